package com.aicredits.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <api key>}. A bearer request never touches the session, and
 * a bad or revoked key is answered 401 at once rather than falling back to anonymous.
 */
class BearerKeys extends OncePerRequestFilter {

    private final Access access;
    private final ProblemWriter problems;

    BearerKeys(Access access, ProblemWriter problems) {
        this.access = access;
        this.problems = problems;
    }

    static boolean isBearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!isBearer(request)) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Caller> caller;
        try {
            caller = access.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION).substring(7).strip());
        } catch (DataAccessException databaseDown) {
            // Keys are looked up in the database, before any controller (and its error handling) runs: answer
            // here as the API does when the database is unreachable, not with a 500 from the servlet container.
            problems.write(request, response, 503, "UNAVAILABLE",
                    "the service cannot reach its database; retry with the same Idempotency-Key or requestId");
            return;
        }
        if (caller.isEmpty()) {
            problems.write(request, response, 401, null, "the API key is unknown or revoked");
            return;
        }
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new KeyAuthentication(caller.get()));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }

    static final class KeyAuthentication extends AbstractAuthenticationToken {
        private final Caller caller;

        KeyAuthentication(Caller caller) {
            super(List.of(new SimpleGrantedAuthority("KIND_" + caller.kind())));
            this.caller = caller;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Caller getPrincipal() {
            return caller;
        }
    }
}
