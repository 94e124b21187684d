package com.aicredits.access;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * The ends of a single sign-on. On success the session gets the same sign-in a password gives: a {@link Caller}
 * (so the role checks, {@link CurrentStanding} and {@link PersonSessions} treat both alike), in place of the
 * library's token. On failure the person lands on a page that says why, with no session signed in.
 */
final class SsoSignIn implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SsoSignIn.class);

    /** The page a refused sign-on lands on; {@code reason} is a code from a fixed list, never the provider's text. */
    static final String REFUSED = "/login/sso-refused";

    private final PersonSessions sessions;
    private final SecurityContextRepository contexts;

    SsoSignIn(PersonSessions sessions, SecurityContextRepository contexts) {
        this.sessions = sessions;
        this.contexts = contexts;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        if (!(authentication.getPrincipal() instanceof SsoPeople.Person person)) {
            throw new IllegalStateException("a single sign-on always ends with a directory user");
        }
        var signedIn = UsernamePasswordAuthenticationToken.authenticated(person.caller, null, person.getAuthorities());
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(signedIn);
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        var session = request.getSession(false);
        sessions.makeRoomFor(person.caller.userId(), session == null ? "" : session.getId());
        response.sendRedirect("/"); // each person's home in their tenant, by role
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException {
        String code = exception instanceof OAuth2AuthenticationException oauth ? oauth.getError().getErrorCode() : "";
        // The library's reason (an invalid ID token, an unreachable token endpoint) is for the operator, not the person.
        log.info("single sign-on refused at {}: {} ({})", request.getRequestURI(), code, exception.getMessage());
        String reason = switch (code) {
            case SsoPeople.UNKNOWN, SsoPeople.INACTIVE -> code;
            case "access_denied" -> "cancelled";
            default -> "provider";
        };
        response.sendRedirect(REFUSED + "?reason=" + reason);
    }

    /**
     * The library would answer a sign-in link naming no configured tenant with a 500; here it is no sign-in link
     * at all (the request goes on, and an anonymous visitor is sent to the sign-in page).
     */
    static OAuth2AuthorizationRequestResolver knownTenantsOnly(TenantRegistrations registrations) {
        var resolver = new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        return new OAuth2AuthorizationRequestResolver() {
            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
                try {
                    return resolver.resolve(request);
                } catch (IllegalArgumentException unknown) {
                    return null;
                }
            }

            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String registrationId) {
                try {
                    return resolver.resolve(request, registrationId);
                } catch (IllegalArgumentException unknown) {
                    return null;
                }
            }
        };
    }

    /** The provider's access token is not kept: signing in is all it is used for, so there is nothing to leak. */
    static final class NoProviderTokens implements OAuth2AuthorizedClientRepository {

        @Override
        @SuppressWarnings("unchecked")
        public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String registrationId, Authentication principal,
                HttpServletRequest request) {
            return null;
        }

        @Override
        public void saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal, HttpServletRequest request,
                HttpServletResponse response) {
        }

        @Override
        public void removeAuthorizedClient(String registrationId, Authentication principal, HttpServletRequest request,
                HttpServletResponse response) {
        }
    }
}
