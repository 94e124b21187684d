package com.aicredits;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A real OpenID provider for the single sign-on tests: Spring Authorization Server in its own small Spring context
 * on a loopback port of this JVM (no Spring Boot auto-configuration, so nothing of the application leaks in). Its
 * issuer is {@code http://localhost:<port>}; people sign in on its own login form; clients are registered with
 * consent not required and PKCE required. Its ID tokens carry email, email_verified and name.
 *
 * <p>Two clients can be registered to misbehave, so the tests can show that the library's ID-token validation
 * (not ours) refuses them: one whose ID tokens name another audience, one whose ID tokens name another issuer.
 */
public final class OpenIdProvider implements AutoCloseable {

    public record Person(String username, String password, String email, boolean emailVerified, String name) {
    }

    /** How a client's ID tokens are made. */
    public enum Tokens { HONEST, WRONG_AUDIENCE, WRONG_ISSUER }

    private final AnnotationConfigServletWebServerApplicationContext context;
    private final Clients clients;
    private final InMemoryUserDetailsManager users;
    private final Map<String, Person> people;
    private final Map<String, Tokens> misbehaving;

    public OpenIdProvider() {
        context = new AnnotationConfigServletWebServerApplicationContext();
        context.register(Setup.class);
        context.refresh();
        clients = context.getBean(Clients.class);
        users = context.getBean(InMemoryUserDetailsManager.class);
        var registry = context.getBean(Registry.class);
        this.people = registry.people;
        this.misbehaving = registry.misbehaving;
    }

    public String issuer() {
        return "http://localhost:" + context.getWebServer().getPort();
    }

    /** A person who can sign in here; the subject of their ID tokens is their username. */
    public Person person(String email, String name, boolean emailVerified) {
        var person = new Person("user-" + UUID.randomUUID().toString().substring(0, 8), "provider-password-1", email,
                emailVerified, name);
        people.put(person.username(), person);
        users.createUser(User.withUsername(person.username()).password("{noop}" + person.password()).roles("USER").build());
        return person;
    }

    /** A confidential client for one tenant of the application listening on {@code appPort}; its secret is "secret-" + id. */
    public String client(int appPort, String tenantId, Tokens tokens) {
        String clientId = "client-" + UUID.randomUUID().toString().substring(0, 8);
        clients.save(RegisteredClient.withId(clientId).clientId(clientId).clientSecret("{noop}secret-" + clientId)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("http://localhost:" + appPort + "/login/oauth2/code/" + tenantId)
                .scope(OidcScopes.OPENID).scope(OidcScopes.EMAIL).scope(OidcScopes.PROFILE)
                .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).requireProofKey(true).build())
                .build());
        misbehaving.put(clientId, tokens);
        return clientId;
    }

    @Override
    public void close() {
        context.close();
    }

    /** Who the provider's ID tokens describe, and which clients get bad ones. */
    static final class Registry {
        final Map<String, Person> people = new ConcurrentHashMap<>();
        final Map<String, Tokens> misbehaving = new ConcurrentHashMap<>();
    }

    /** Clients registered while the provider runs (Spring's in-memory repository takes them only at construction). */
    static final class Clients implements RegisteredClientRepository {
        private final Map<String, RegisteredClient> byId = new ConcurrentHashMap<>();

        @Override
        public void save(RegisteredClient client) {
            byId.put(client.getId(), client);
        }

        @Override
        public RegisteredClient findById(String id) {
            return byId.get(id);
        }

        @Override
        public RegisteredClient findByClientId(String clientId) {
            return byId.values().stream().filter(c -> c.getClientId().equals(clientId)).findFirst().orElse(null);
        }
    }

    /** Not a @Configuration: the application's component scan must not find the provider's beans. */
    @EnableWebSecurity
    static class Setup {

        @Bean
        TomcatServletWebServerFactory tomcat() {
            var tomcat = new TomcatServletWebServerFactory(0);
            // Every endpoint is a filter; Tomcat runs filters only for a request some servlet is mapped to.
            tomcat.setRegisterDefaultServlet(true);
            return tomcat;
        }

        @Bean
        SecurityFilterChain provider(HttpSecurity http) throws Exception {
            http.oauth2AuthorizationServer(server -> server.oidc(Customizer.withDefaults()))
                    .authorizeHttpRequests(rules -> rules.anyRequest().authenticated())
                    .formLogin(Customizer.withDefaults());
            return http.build();
        }

        @Bean
        Clients clients() {
            return new Clients();
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager();
        }

        @Bean
        Registry registry() {
            return new Registry();
        }

        /** The issuer is taken from each request (http://localhost:port), as the application reaches it. */
        @Bean
        AuthorizationServerSettings settings() {
            return AuthorizationServerSettings.builder().build();
        }

        @Bean
        JWKSource<SecurityContext> keys() throws Exception {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var pair = generator.generateKeyPair();
            var key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString()).build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        /** The provider's own user-info endpoint checks its access tokens with it. */
        @Bean
        org.springframework.security.oauth2.jwt.JwtDecoder accessTokens(JWKSource<SecurityContext> keys) {
            return org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration
                    .jwtDecoder(keys);
        }

        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> idTokenClaims(Registry registry) {
            var people = registry.people;
            var misbehaving = registry.misbehaving;
            return context -> {
                if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                    return;
                }
                var person = people.get(context.getPrincipal().getName());
                if (person != null) {
                    context.getClaims().claim("email", person.email()).claim("email_verified", person.emailVerified())
                            .claim("name", person.name());
                }
                switch (misbehaving.getOrDefault(context.getRegisteredClient().getClientId(), Tokens.HONEST)) {
                    case WRONG_AUDIENCE -> context.getClaims().audience(List.of("some-other-client"));
                    case WRONG_ISSUER -> context.getClaims().issuer("http://127.0.0.2:1/not-this-provider");
                    case HONEST -> {
                    }
                }
            };
        }
    }
}
