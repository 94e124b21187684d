package com.aicredits.access;

import com.aicredits.directory.Directory;
import com.aicredits.directory.SignOnClaims;
import com.aicredits.directory.User;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

/**
 * After the library has validated the ID token (signature from the provider's keys, issuer, audience = the
 * tenant's client id, expiry, nonce), finds the directory user it stands for ({@link Directory#signOn}). The
 * tenant is the registration's, never anything the provider or the browser said. A person who is unknown (and
 * not created just in time) or deactivated is refused with an error the sign-in page explains.
 */
@Component
class SsoPeople implements OAuth2UserService<OidcUserRequest, OidcUser> {

    /** Error codes of a refused sign-on, shown by the sign-in page as a sentence. */
    static final String UNKNOWN = "unknown_person";
    static final String INACTIVE = "deactivated";

    private final OidcUserService provider = new OidcUserService();
    private final Directory directory;
    private final SsoStore store;

    SsoPeople(Directory directory, SsoStore store, ProviderHttp http) {
        this.directory = directory;
        this.store = store;
        var userInfo = new DefaultOAuth2UserService();
        userInfo.setRestOperations(http.userInfo()); // checked where it connects, no redirect followed
        provider.setOauth2UserService(userInfo);
    }

    /** The person as the provider described them, with the caller they are here. */
    static final class Person extends DefaultOidcUser {
        final Caller caller;

        Person(OidcUser user, Caller caller) {
            super(List.of(new SimpleGrantedAuthority("ROLE_" + caller.role().name())), user.getIdToken(), user.getUserInfo());
            this.caller = caller;
        }
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = provider.loadUser(request);
        var tenant = TenantId.of(request.getClientRegistration().getRegistrationId());
        var connection = store.stored(tenant).map(SsoStore.Stored::connection);
        if (connection.isEmpty()) {
            // Turned off while this person was at the provider.
            throw refused(UNKNOWN, "single sign-on is not set up for this organisation");
        }
        var claims = new SignOnClaims(user.getIssuer().toString(), user.getSubject(), user.getEmail(),
                user.getEmailVerified(), user.getFullName());
        return switch (directory.signOn(tenant, claims, Optional.ofNullable(connection.get().justInTimeRole()))) {
            case Outcome.Done<User>(var found) -> new Person(user,
                    new Caller(Caller.Kind.USER, found.tenantId(), found.id(), found.role(), found.email()));
            case Refused<User> refused -> throw refused(switch (refused.reason()) {
                case USER_INACTIVE -> INACTIVE;
                default -> UNKNOWN;
            }, refused.message());
        };
    }

    private static OAuth2AuthenticationException refused(String code, String message) {
        return new OAuth2AuthenticationException(new OAuth2Error(code, message, null), message);
    }
}
