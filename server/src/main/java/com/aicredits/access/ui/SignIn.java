package com.aicredits.access.ui;

import com.aicredits.access.Caller;
import com.aicredits.directory.Role;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-in page, and where each person lands afterwards: admins on User Management, others on their balance. */
@Controller
class SignIn {

    /** {@code locked}: the minutes a throttled person must wait, shown as "too many attempts, try again in N minutes". */
    @GetMapping("/login")
    String login(@RequestParam(required = false) String locked, Model model) {
        if (locked != null && locked.matches("[0-9]{1,5}")) {
            model.addAttribute("lockedMinutes", Long.parseLong(locked));
        }
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
