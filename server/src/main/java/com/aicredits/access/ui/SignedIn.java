package com.aicredits.access.ui;

import com.aicredits.access.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Every screen's navigation bar shows who is signed in. */
@ControllerAdvice(basePackages = {"com.aicredits.ledger.ui", "com.aicredits.directory.ui", "com.aicredits.access.ui",
        "com.aicredits.canvas.ui", "com.aicredits.settings.ui", "com.aicredits.notifications.ui", "com.aicredits.requests.ui",
        "com.aicredits.webhooks.ui"})
class SignedIn {

    @ModelAttribute("signedInAs")
    String signedInAs(Principal principal) {
        return principal == null ? "" : principal.getName();
    }

    /** Where the navigation links of a signed-in person point. */
    @ModelAttribute("homeBase")
    String homeBase(@AuthenticationPrincipal Caller caller) {
        return caller == null || caller.tenantId() == null ? null : "/app/tenants/" + caller.tenantId();
    }

    /**
     * The session's CSRF token, masked afresh for this page, for the page's script (htmx) to send back as
     * X-CSRF-TOKEN. Only where a session exists: issuing a token would open one for every visitor.
     */
    @ModelAttribute("csrfToken")
    String csrfToken(HttpServletRequest request) {
        return request.getSession(false) != null && request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token
                ? token.getToken() : null;
    }

    @ModelAttribute("isAdmin")
    boolean isAdmin(@AuthenticationPrincipal Caller caller) {
        return caller != null && caller.isAdmin();
    }
}
