package com.aicredits.access.ui;

import com.aicredits.access.Caller;
import com.aicredits.directory.Role;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The sign-in page, and where each person lands afterwards: admins on User Management, others on their balance. */
@Controller
class SignIn {

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/")
    String home(@AuthenticationPrincipal Caller caller) {
        if (caller == null || caller.tenantId() == null) {
            return "redirect:/swagger-ui.html";
        }
        String tenant = "/app/tenants/" + caller.tenantId();
        return "redirect:" + (caller.role() == Role.Admin ? tenant + "/credits" : tenant + "/me");
    }
}
