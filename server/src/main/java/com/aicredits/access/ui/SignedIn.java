package com.aicredits.access.ui;

import java.security.Principal;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Every screen's navigation bar shows who is signed in. */
@ControllerAdvice(basePackages = {"com.aicredits.ledger.ui", "com.aicredits.directory.ui", "com.aicredits.access.ui"})
class SignedIn {

    @ModelAttribute("signedInAs")
    String signedInAs(Principal principal) {
        return principal == null ? "" : principal.getName();
    }
}
