package com.aicredits.access;

import com.aicredits.directory.Directory;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A session carries no authority the directory no longer grants: on every request of a signed-in person,
 * their current state and role are read (one primary-key lookup) and compared with what the session was
 * granted. A deactivated person, or one whose role changed, is signed out there and then; the request goes
 * on as anonymous (401 for the API, the sign-in page for the UI). Ending the sessions on the change itself
 * ({@link PersonSessions}) does the same sooner; this check also covers a session that was being used
 * while it was ended.
 */
class CurrentStanding extends OncePerRequestFilter {

    private final Directory directory;

    CurrentStanding(Directory directory) {
        this.directory = directory;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller
                && caller.kind() == Caller.Kind.USER && !BearerKeys.isBearer(request)) {
            boolean stillGranted = directory.user(caller.tenantId(), caller.userId())
                    .filter(user -> user.active() && user.role() == caller.role())
                    .isPresent();
            if (!stillGranted) {
                SecurityContextHolder.clearContext();
                var session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
            }
        }
        chain.doFilter(request, response);
    }
}
