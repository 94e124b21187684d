package com.aicredits.access;

import com.aicredits.directory.Directory;
import java.time.Duration;
import java.util.List;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Form login for people: the email and password of an active user; the session then carries a {@link Caller}.
 * Throttled per account and per client address ({@link SignInThrottle}).
 */
@Component
class PasswordLogin implements AuthenticationProvider {

    private final Directory directory;
    private final SignInThrottle throttle;
    private final SingleSignOn sso;

    PasswordLogin(Directory directory, SignInThrottle throttle, SingleSignOn sso) {
        this.directory = directory;
        this.throttle = throttle;
        this.sso = sso;
    }

    /** The person's organisation signs in at its identity provider only (single sign-on enforced). */
    static final class ProviderOnly extends LockedException {
        ProviderOnly() {
            super("your organisation signs in through its identity provider");
        }
    }

    /** Too many failed attempts: the person is told how long to wait. A LockedException so no other provider is tried. */
    static final class Throttled extends LockedException {
        final Duration wait;

        Throttled(Duration wait) {
            super("too many attempts, try again in " + SignInThrottle.minutes(wait) + " minutes");
            this.wait = wait;
        }
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String email = authentication.getName();
        String password = String.valueOf(authentication.getCredentials());
        String address = authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress() : null;
        var lock = throttle.attempt(email, address);
        if (lock.isPresent()) {
            throw new Throttled(lock.get());
        }
        var tenant = authentication.getDetails() instanceof SignInDetails details && details.tenant() != null
                ? java.util.Optional.of(new com.aicredits.shared.TenantId(details.tenant())) : java.util.Optional.<com.aicredits.shared.TenantId>empty();
        var user = tenant.isPresent() ? directory.authenticate(tenant.get(), email, password)
                : directory.authenticate(email, password);
        if (user.isEmpty()) {
            throttle.failed(email, address);
            throw new BadCredentialsException("wrong email or password");
        }
        throttle.succeeded(email, address);
        // Checked after the password (one hash whatever the outcome); a right password still opens nothing here.
        if (sso.enforced(user.get().tenantId())) {
            throw new ProviderOnly();
        }
        var caller = new Caller(Caller.Kind.USER, user.get().tenantId(), user.get().id(), user.get().role(),
                user.get().email());
        return UsernamePasswordAuthenticationToken.authenticated(caller, null,
                List.of(new SimpleGrantedAuthority("ROLE_" + user.get().role().name())));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
