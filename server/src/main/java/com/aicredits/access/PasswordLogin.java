package com.aicredits.access;

import com.aicredits.directory.Directory;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/** Form login for people: the email and password of an active user; the session then carries a {@link Caller}. */
@Component
class PasswordLogin implements AuthenticationProvider {

    private final Directory directory;

    PasswordLogin(Directory directory) {
        this.directory = directory;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String email = authentication.getName();
        String password = String.valueOf(authentication.getCredentials());
        var user = directory.authenticate(email, password)
                .orElseThrow(() -> new BadCredentialsException("wrong email or password"));
        var caller = new Caller(Caller.Kind.USER, user.tenantId(), user.id(), user.role(), user.email());
        return UsernamePasswordAuthenticationToken.authenticated(caller, null,
                List.of(new SimpleGrantedAuthority("ROLE_" + user.role().name())));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
