package com.aicredits.access;

import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The sign-in form's details: the client address (for throttling) and, when the person's e-mail is held in
 * several organisations, the one they chose on the sign-in page ({@code tenant}); null otherwise.
 */
class SignInDetails extends WebAuthenticationDetails {

    private final UUID tenant;

    SignInDetails(HttpServletRequest request) {
        super(request);
        this.tenant = uuid(request.getParameter("tenant"));
    }

    UUID tenant() {
        return tenant;
    }

    private static UUID uuid(String text) {
        try {
            return text == null || text.isBlank() ? null : UUID.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
