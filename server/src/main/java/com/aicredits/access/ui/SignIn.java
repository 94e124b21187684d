package com.aicredits.access.ui;

import com.aicredits.access.Caller;
import com.aicredits.access.SingleSignOn;
import com.aicredits.access.SingleSignOn.SignInWay;
import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.directory.Tenant;
import com.aicredits.shared.TenantId;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in page, e-mail first: the person's organisation decides whether they go to its identity provider or
 * get the password form; an e-mail held in several organisations is asked which one. Then where each person
 * lands: admins on User Management, others on their balance.
 */
@Controller
class SignIn {

    private final Directory directory;
    private final SingleSignOn sso;

    SignIn(Directory directory, SingleSignOn sso) {
        this.directory = directory;
        this.sso = sso;
    }

    /** {@code locked}: the minutes a throttled person must wait, shown as "too many attempts, try again in N minutes". */
    @GetMapping("/login")
    String login(@RequestParam(required = false) String locked,
            @RequestParam(name = "provider-only", required = false) String providerOnly,
            @RequestParam(required = false) String deactivated, Model model) {
        model.addAttribute("providerOnly", providerOnly != null);
        model.addAttribute("deactivated", deactivated != null);
        if (locked != null && locked.matches("[0-9]{1,5}")) {
            model.addAttribute("lockedMinutes", Long.parseLong(locked));
        }
        model.addAttribute("step", "email");
        return "login";
    }

    /**
     * The e-mail step. An e-mail of no organisation gets the same password form as one whose organisation has no
     * single sign-on, so the page does not tell who has an account; where an organisation signs in at its
     * provider, the person is sent there (that much every e-mail-first sign-in reveals).
     */
    @PostMapping("/login/email")
    String email(@RequestParam(defaultValue = "") String email, @RequestParam(required = false) String tenant, Model model) {
        String address = email.strip();
        model.addAttribute("email", address);
        if (address.isEmpty() || address.length() > 320) {
            model.addAttribute("step", "email");
            return "login";
        }
        List<Tenant> organisations = directory.organisationsOf(address);
        UUID chosen = uuid(tenant);
        if (chosen != null) {
            organisations = organisations.stream().filter(o -> o.id().value().equals(chosen)).toList();
        }
        if (organisations.size() > 1) {
            model.addAttribute("step", "organisation");
            model.addAttribute("organisations", organisations);
            return "login";
        }
        model.addAttribute("step", "password");
        if (organisations.isEmpty()) {
            return "login";
        }
        var organisation = organisations.getFirst();
        if (chosen != null) {
            model.addAttribute("tenant", organisation.id().toString()); // the password form signs in there
        }
        return switch (sso.signInWay(organisation.id())) {
            case PROVIDER_ONLY -> "redirect:/oauth2/authorization/" + organisation.id();
            case PROVIDER_OR_PASSWORD -> {
                model.addAttribute("provider", organisation);
                yield "login";
            }
            case PROVIDER_UNREACHABLE -> {
                model.addAttribute("step", "unreachable");
                model.addAttribute("provider", organisation);
                yield "login";
            }
            case PASSWORD -> "login";
        };
    }

    /**
     * A wrong password (access's SignInOutcome forwards it here): the password step again, with the e-mail and
     * organisation the person chose and "Wrong email or password". Only as a forward from the failed sign-in: a request
     * of its own (no password was checked) goes to the first step.
     */
    @PostMapping("/login/wrong-password")
    String wrongPassword(@RequestParam(defaultValue = "") String username, @RequestParam(required = false) String tenant,
            HttpServletRequest request, Model model) {
        if (request.getDispatcherType() != DispatcherType.FORWARD) {
            return "redirect:/login";
        }
        model.addAttribute("wrongPassword", true);
        return email(username, tenant, model);
    }

    /** An organisation's own sign-in link (the IT admin shares it): straight to its provider. */
    @GetMapping("/login/organisation/{tenantId}")
    String organisation(@PathVariable String tenantId) {
        UUID id = uuid(tenantId);
        if (id == null) {
            return "redirect:/login";
        }
        var way = sso.signInWay(new TenantId(id));
        return way == SignInWay.PROVIDER_ONLY || way == SignInWay.PROVIDER_OR_PASSWORD
                ? "redirect:/oauth2/authorization/" + id : "redirect:/login";
    }

    /** Where a refused single sign-on lands: a sentence for each reason, never the provider's own text. */
    @GetMapping("/login/sso-refused")
    String refused(@RequestParam(defaultValue = "provider") String reason, Model model) {
        model.addAttribute("reason", switch (reason) {
            case "unknown_person" -> "unknown";
            case "deactivated" -> "deactivated";
            case "cancelled" -> "cancelled";
            default -> "provider";
        });
        return "sso-refused";
    }

    @GetMapping("/")
    String home(@AuthenticationPrincipal Caller caller) {
        if (caller == null || caller.tenantId() == null) {
            return "redirect:/swagger-ui.html";
        }
        String tenant = "/app/tenants/" + caller.tenantId();
        return "redirect:" + (caller.role() == Role.Admin ? tenant + "/credits" : tenant + "/me");
    }

    private static UUID uuid(String text) {
        try {
            return text == null || text.isBlank() ? null : UUID.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
