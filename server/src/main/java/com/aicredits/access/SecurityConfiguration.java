package com.aicredits.access;

import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.PATCH;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import com.aicredits.api.PageErrors;
import com.aicredits.directory.Directory;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.annotation.web.configurers.ExceptionHandlingConfigurer;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.context.NullSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * One security set-up for the UI and the API: people sign in with a session (CSRF-protected), integrations
 * send a bearer API key (no session, no CSRF). Every API path's rule is listed here, in the order of
 * docs/api-contract.md, so the whole access policy reads in one place.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfiguration {

    private static final String TENANT = "/api/v1/tenants/{tenantId}";
    private static final String APP = "/app/tenants/{tenantId}";
    private static final RequestMatcher API = request -> request.getRequestURI().startsWith("/api/") || ProblemWriter.isScim(request);

    /**
     * A forged request rides on a browser's session cookie. Bearer requests carry no cookie and requests
     * without a session are anonymous (refused with 401 anyway), so the token is checked where a session may
     * be present, and always on sign-out. Sign-in has no session yet, so no token to check (issuing one would
     * open a session for every visitor): {@link SameOrigin} guards it by Origin and Sec-Fetch-Site instead.
     */
    private static boolean mayBeForged(HttpServletRequest request) {
        boolean mutating = !Set.of("GET", "HEAD", "OPTIONS", "TRACE").contains(request.getMethod());
        if (!mutating || BearerKeys.isBearer(request) || request.getRequestURI().equals("/login")
                || request.getRequestURI().equals("/login/email")) {
            return false;
        }
        return request.getRequestURI().equals("/logout") || request.getRequestedSessionId() != null;
    }

    /**
     * Spring Security would otherwise observe every filter of every request (a timer start, stop and tag
     * set each), which the benchmark's profile showed as 15% of the service's CPU on the charge path. The
     * request itself is still timed (http.server.requests), and refusals are in the audit trail.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * A URL the firewall refuses before any rule runs (".." or "//" segments, ";", encoded slashes or
     * percent signs, control characters) is answered like every other bad request, with a problem, instead
     * of the container's error page.
     */
    @Bean
    RequestRejectedHandler malformedUrls(ProblemWriter problems) {
        return (request, response, rejected) -> problems.write(request, response, 400, "VALIDATION_FAILED",
                "the URL is malformed: " + rejected.getMessage());
    }

    private static OidcAuthorizationCodeAuthenticationProvider openIdConnect(TenantRegistrations registrations,
            SsoPeople people) {
        var provider = new OidcAuthorizationCodeAuthenticationProvider(
                new RestClientAuthorizationCodeTokenResponseClient(), people);
        provider.setJwtDecoderFactory(registrations);
        return provider;
    }

    /**
     * The lean path (issue 16): an API call with a bearer key needs no session, no CSRF token, no sign-in, sign-out
     * or single sign-on filters, no saved request and no anonymous caller (the key authenticates it or it is
     * answered 401). It keeps the audit trail, the same rules ({@link #rules}), the same refusals and headers.
     * A bearer request for a page of the UI takes the full chain below, as before.
     */
    @Bean
    @Order(1)
    SecurityFilterChain apiKeys(HttpSecurity http, Access access, ProblemWriter problems, JdbcClient jdbc, Clock clock,
            PublicAddress address) throws Exception {
        http
                .securityMatcher(request -> BearerKeys.isBearer(request) && API.matches(request))
                .addFilterAfter(new AuditTrail(jdbc, clock), SecurityContextHolderFilter.class)
                .addFilterBefore(new BearerKeys(access, problems), UsernamePasswordAuthenticationFilter.class)
                .authorizeHttpRequests(SecurityConfiguration::rules)
                .securityContext(context -> context.securityContextRepository(new NullSecurityContextRepository()))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .headers(SecurityConfiguration::headers)
                .exceptionHandling(errors -> refusals(errors, problems, loginPage(address)));
        return http.build();
    }

    private static String loginPage(PublicAddress address) {
        // The sign-in page's address: relative unless a public base URL is configured, never built from Host.
        return address.base("") + "/login";
    }

    @Bean
    @Order(2)
    SecurityFilterChain security(HttpSecurity http, Access access, ProblemWriter problems, JdbcClient jdbc,
            Clock clock, PasswordLogin passwordLogin, Directory directory, PersonSessions sessions,
            TenantRegistrations registrations, SsoPeople ssoPeople, PublicAddress address) throws Exception {
        var signIn = new SignInOutcome(sessions);
        var contexts = new SignInsOnly();
        var singleSignOn = new SsoSignIn(sessions, contexts);
        String loginPage = loginPage(address);
        http
                // Its own manager, with no parent: the global one would hold the same provider (it is the one
                // AuthenticationProvider bean), and a failed sign-in would be checked, hashed and counted twice.
                // The OpenID Connect provider is listed here for the same reason (oauth2Login's own would be ignored):
                // the ID token checked by the library with each tenant's current decoder, then SsoPeople.
                .authenticationManager(new ProviderManager(passwordLogin, openIdConnect(registrations, ssoPeople)))
                .addFilterAfter(new AuditTrail(jdbc, clock), SecurityContextHolderFilter.class)
                .addFilterAfter(new CurrentStanding(directory), AuditTrail.class)
                .addFilterBefore(new SameOrigin(problems, address.base("")), CsrfFilter.class)
                .addFilterBefore(new BearerKeys(access, problems), UsernamePasswordAuthenticationFilter.class)
                .authorizeHttpRequests(SecurityConfiguration::rules)
                .formLogin(login -> login.loginPage("/login").successHandler(signIn).failureHandler(signIn)
                        .authenticationDetailsSource(SignInDetails::new).permitAll())
                // Single sign-on: each tenant's OpenID Connect provider, authorization code with PKCE; the library
                // validates the ID token, SsoPeople finds the directory user, SsoSignIn opens the same session.
                .oauth2Login(oauth -> oauth.loginPage("/login")
                        .clientRegistrationRepository(registrations)
                        .authorizationEndpoint(endpoint -> endpoint
                                .authorizationRequestResolver(SsoSignIn.knownTenantsOnly(registrations)))
                        .authorizedClientRepository(new SsoSignIn.NoProviderTokens())
                        .userInfoEndpoint(userInfo -> userInfo.oidcUserService(ssoPeople))
                        .successHandler(singleSignOn).failureHandler(singleSignOn))
                .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
                // The token lives in the session (nothing a sibling site or a network attacker can plant as a
                // cookie) and is sent XOR-masked, fresh on every page, so it cannot be read back by compression.
                .csrf(csrf -> csrf.csrfTokenRepository(new HttpSessionCsrfTokenRepository())
                        .csrfTokenRequestHandler(new XorCsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(SecurityConfiguration::mayBeForged))
                .securityContext(context -> context.securityContextRepository(contexts))
                // Remembering where an anonymous visitor was headed would open a session for every visitor.
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .sessionManagement(session -> session
                        .sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED)
                        .sessionFixation(fixation -> fixation.changeSessionId()))
                .headers(SecurityConfiguration::headers)
                .exceptionHandling(errors -> refusals(errors, problems, loginPage));
        return http.build();
    }

    private static void headers(HeadersConfigurer<HttpSecurity> headers) {
        headers.referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                .contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                + "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"));
    }

    /** Every path's rule, for both chains: the same policy whether a key comes by the lean path or not. */
    private static void rules(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry rules) {
        rules
                // platform
                .requestMatchers(POST, "/api/v1/tenants").access(Rules.platformOnly())
                .requestMatchers(GET, "/api/v1/tenants").access(Rules.platformOnly())
                .requestMatchers(GET, "/api/v1/reconciliation").access(Rules.platformOnly())
                .requestMatchers(POST, TENANT + "/purchases").access(Rules.tenant((c, x) -> false))
                .requestMatchers(GET, TENANT + "/purchases").access(Rules.tenant(Rules::admin))
                .requestMatchers(TENANT + "/api-keys", TENANT + "/api-keys/**").access(Rules.tenant((c, x) -> false))
                // consumption, and balances (also a signed-in user's own)
                .requestMatchers(GET, TENANT + "/users/{userId}/balance").access(Rules.tenant(Rules::balanceReader))
                .requestMatchers(TENANT + "/consumption/**").access(Rules.tenant(Rules::consumer))
                // directory and credits: admins
                .requestMatchers(POST, TENANT + "/users").access(Rules.tenant(Rules::admin))
                .requestMatchers(GET, TENANT + "/users").access(Rules.tenant(Rules::admin))
                .requestMatchers(PATCH, TENANT + "/users/{userId}").access(Rules.tenant(Rules::admin))
                .requestMatchers(GET, TENANT + "/credits/usage", TENANT + "/credits/forecast")
                        .access(Rules.tenant(Rules::usageReader))
                .requestMatchers(TENANT + "/credits/**").access(Rules.tenant(Rules::admin))
                .requestMatchers(TENANT + "/settings").access(Rules.tenant(Rules::admin))
                .requestMatchers(TENANT + "/webhooks", TENANT + "/webhooks/**").access(Rules.tenant(Rules::admin))
                // notifications: the signed-in person's own; credit requests (SPEC part two)
                .requestMatchers(TENANT + "/notifications", TENANT + "/notifications/**").access(Rules.tenant(Rules::person))
                .requestMatchers(POST, TENANT + "/credit-requests").access(Rules.tenant(Rules::requester))
                .requestMatchers(GET, TENANT + "/users/{userId}/credit-requests").access(Rules.tenant(Rules::selfOrAdmin))
                .requestMatchers(TENANT + "/credit-requests", TENANT + "/credit-requests/**").access(Rules.tenant(Rules::admin))
                .requestMatchers(GET, TENANT + "/sso").access(Rules.tenant(Rules::admin))
                .requestMatchers(PUT, TENANT + "/sso").access(Rules.tenant(Rules::admin))
                .requestMatchers(DELETE, TENANT + "/sso").access(Rules.tenant(Rules::admin))
                .requestMatchers(DELETE, "/api/**").denyAll()
                // the customer's directory: its scim key only, acting on the key's tenant
                .requestMatchers("/scim/v2", "/scim/v2/**").access(Rules.scimDirectory())
                // the web UI, by the same tenant-first rules
                .requestMatchers(APP + "/settings/sign-in", APP + "/settings/sign-in/**").access(Rules.tenant(Rules::signedInAdmin))
                .requestMatchers(APP + "/credits", APP + "/credits/**", APP + "/users", APP + "/users/**",
                        APP + "/settings", APP + "/settings/**")
                        .access(Rules.tenant(Rules::admin))
                .requestMatchers(APP + "/me", APP + "/me/**", APP + "/live", APP + "/canvas", APP + "/canvas/**",
                        APP + "/notifications", APP + "/notifications/**")
                        .access(Rules.tenant(Rules::member))
                .requestMatchers("/api/**").authenticated()
                // The OpenAPI document in both of springdoc's forms: JSON, and YAML (path + ".yaml").
                .requestMatchers("/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/prometheus").permitAll()
                .requestMatchers("/login/email", "/login/organisation/*", SsoSignIn.REFUSED, SignInOutcome.WRONG_PASSWORD).permitAll()
                .requestMatchers("/login", "/error", "/webjars/**", "/css/**", "/js/**", "/favicon.ico").permitAll()
                .anyRequest().authenticated();
    }

    /** 401 and 403/404 as problems on the API; the sign-in page, or a page that says why, for a person's browser. */
    private static void refusals(ExceptionHandlingConfigurer<HttpSecurity> errors, ProblemWriter problems, String loginPage) {
        errors
                .authenticationEntryPoint((request, response, e) -> {
                    if (API.matches(request)) {
                        problems.write(request, response, 401, null,
                                "authentication required: a bearer API key or a signed-in session");
                    } else if (request.getHeader("HX-Request") != null) {
                        // A page's own request (a dialog, a sort, a live redraw) after the session ended: a redirect
                        // would be followed by the browser and the sign-in page swapped into the page's parts. htmx
                        // takes this header as "go there" instead, and the sign-in page says why.
                        response.setStatus(401);
                        response.setHeader("HX-Redirect", loginPage + "?expired");
                    } else {
                        response.sendRedirect(loginPage);
                    }
                })
                .accessDeniedHandler((request, response, e) -> {
                    boolean otherTenant = e instanceof AuthorizationDeniedException denied
                            && denied.getAuthorizationResult() instanceof Rules.NotVisible;
                    if (PageErrors.isPageVisit(request)) {
                        response.sendError(otherTenant ? 404 : 403); // the error page says it in words
                    } else if (otherTenant) {
                        problems.write(request, response, 404, "NOT_FOUND", "not found");
                    } else if (e instanceof org.springframework.security.web.csrf.CsrfException) {
                        // A session's change without its token: nothing about the role, which may well allow it.
                        problems.write(request, response, 403, "FORBIDDEN", "a change made with a signed-in session"
                                + " carries the session's CSRF token in the X-CSRF-TOKEN header (the page's meta csrf-token)");
                    } else {
                        problems.write(request, response, 403, "FORBIDDEN",
                                "your role or key scope does not allow this");
                    }
                });
    }
}
