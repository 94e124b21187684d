package com.aicredits.access;

import com.aicredits.directory.Directory;
import com.aicredits.directory.PasswordCheck;
import java.time.Duration;
import java.util.List;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
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

    /** The right password of a deactivated account: the person is told so (an AccountStatusException: no other provider is tried). */
    static final class Deactivated extends DisabledException {
        Deactivated() {
            super("your account in this organisation is deactivated");
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
        var check = tenant.isPresent() ? directory.authenticate(tenant.get(), email, password)
                : directory.authenticate(email, password);
        var user = switch (check) {
            case PasswordCheck.Passed passed -> passed.user();
            case PasswordCheck.Deactivated deactivated -> {
                // Counted as a failure: it opened nothing, and a deactivated account is no reason to allow more tries.
                throttle.failed(email, address);
                throw new Deactivated();
            }
            case PasswordCheck.Failed failed -> {
                throttle.failed(email, address);
                throw new BadCredentialsException("wrong email or password");
            }
        };
        throttle.succeeded(email, address);
        // Checked after the password (one hash whatever the outcome); a right password still opens nothing here.
        if (sso.enforced(user.tenantId())) {
            throw new ProviderOnly();
        }
        var caller = new Caller(Caller.Kind.USER, user.tenantId(), user.id(), user.role(), user.email());
        return UsernamePasswordAuthenticationToken.authenticated(caller, null,
                List.of(new SimpleGrantedAuthority("ROLE_" + user.role().name())));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
