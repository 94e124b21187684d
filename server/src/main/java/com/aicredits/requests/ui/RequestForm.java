package com.aicredits.requests.ui;

import com.aicredits.access.Caller;
import com.aicredits.requests.CreditRequest;
import com.aicredits.requests.CreditRequests;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The "Request credits" form of a signed-in person, for themselves: on the Canvas next to the locked question
 * box, and on the balance page. It shows the pending request instead while there is one.
 */
@Controller
@RequestMapping("/app/tenants/{tenantId}/me/credit-request")
class RequestForm {

    private final CreditRequests requests;

    RequestForm(CreditRequests requests) {
        this.requests = requests;
    }

    @GetMapping
    String form(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller, Model model) {
        return show(tenantId, caller, model, null, null, null, null);
    }

    @PostMapping
    String file(@PathVariable TenantId tenantId, @RequestParam(required = false) String credits,
            @RequestParam(required = false) String reason, @AuthenticationPrincipal Caller caller, Model model,
            HttpServletResponse response) {
        person(caller);
        var entered = Credits.parse(credits == null ? "" : credits.strip());
        String error;
        if (entered instanceof Credits.Entered.Invalid invalid) {
            error = invalid.message();
        } else {
            switch (requests.file(tenantId, caller.userId(), ((Credits.Entered.Valid) entered).credits(), reason, caller.getName())) {
                case Outcome.Done<CreditRequest> done -> {
                    return show(tenantId, caller, model, null, null, null, "Your request was sent to your administrators.");
                }
                case Refused<CreditRequest> refused -> error = refused.message();
            }
        }
        // 422: htmx swaps it in (app.js), with what was typed kept.
        response.setStatus(422);
        return show(tenantId, caller, model, credits, reason, error, null);
    }

    private String show(TenantId tenantId, Caller caller, Model model, String credits, String reason, String error,
            String sent) {
        person(caller);
        var pending = requests.forUser(tenantId, caller.userId()).stream()
                .filter(r -> r.status() == CreditRequest.Status.PENDING).findFirst().orElse(null);
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("pending", pending == null ? null
                : new Pending(pending.credits().toDisplayString(), pending.reason()));
        model.addAttribute("credits", credits);
        model.addAttribute("reason", reason);
        model.addAttribute("error", error);
        model.addAttribute("sent", sent);
        model.addAttribute("reasonMax", CreditRequests.REASON_MAX);
        return "requests/form :: form";
    }

    public record Pending(String credits, String reason) {
    }

    private static void person(Caller caller) {
        if (caller == null || caller.userId() == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "only people request credits here");
        }
    }
}
