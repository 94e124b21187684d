package com.aicredits.access;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * Where a sign-in attempt leads: relative redirects built from nothing the request sent (no Host header echoed), and
 * a failure opens no session (Spring's default handler keeps the error in one). A wrong password is answered in place
 * (a forward to the sign-in page's password step, {@link #WRONG_PASSWORD}), so the person keeps their e-mail and
 * organisation and types only the password again: a redirect could carry them only in the URL or in a session.
 */
class SignInOutcome implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

    /** The sign-in page's answer to a wrong password; reachable only as this handler's forward. */
    static final String WRONG_PASSWORD = "/login/wrong-password";

    private final PersonSessions sessions;

    SignInOutcome(PersonSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        if (authentication.getPrincipal() instanceof Caller caller && caller.userId() != null) {
            var session = request.getSession(false);
            sessions.makeRoomFor(caller.userId(), session == null ? "" : session.getId());
        }
        response.sendRedirect("/"); // each person's home, by role
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException, ServletException {
        if (exception instanceof PasswordLogin.Throttled throttled) {
            response.sendRedirect("/login?locked=" + SignInThrottle.minutes(throttled.wait));
        } else if (exception instanceof PasswordLogin.ProviderOnly) {
            response.sendRedirect("/login?provider-only");
        } else if (exception instanceof PasswordLogin.Deactivated) {
            response.sendRedirect("/login?deactivated");
        } else {
            request.getRequestDispatcher(WRONG_PASSWORD).forward(request, response);
        }
    }
}
