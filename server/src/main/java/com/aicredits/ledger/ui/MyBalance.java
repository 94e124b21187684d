package com.aicredits.ledger.ui;

import com.aicredits.access.Caller;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.Balance;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.TenantId;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ResponseStatusException;

/** A signed-in user's own AI credits, live: what Planners and Viewers see instead of the admin screen. */
@Controller
@RequestMapping("/app/tenants/{tenantId}/me")
public class MyBalance {

    private final Ledger ledger;
    private final Directory directory;

    MyBalance(Ledger ledger, Directory directory) {
        this.ledger = ledger;
        this.directory = directory;
    }

    public record BalanceView(String assigned, String consumed, String remaining, String held, String available,
            boolean negative, boolean canStart, String blocked) {
        static BalanceView of(Balance b) {
            return new BalanceView(Display.credits(b.assigned()), Display.credits(b.consumed()),
                    Display.credits(b.remaining()), Display.credits(b.held()), Display.credits(b.available()),
                    b.remaining().isNegative(), b.canStart(), b.canStart() ? null : blocked(b));
        }

        /** Why no AI request can start, as the person can act on it: never given credits is not having used them up. */
        private static String blocked(Balance b) {
            if (!b.active()) {
                return "You have no AI credits: an administrator has not assigned any, or removed them. Request them below,"
                        + " or contact your administrator; your earlier conversations stay available.";
            }
            if (b.remaining().isPositive()) {
                return "Your remaining credits are held by requests still running. Try again when they finish.";
            }
            return "Your AI credits are used up. Contact your administrator for more, or request them below; your earlier"
                    + " conversations stay available.";
        }
    }

    @GetMapping
    String page(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller, Model model) {
        var tenant = directory.tenant(tenantId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("tenant", tenant);
        show(tenantId, caller, model);
        return "me";
    }

    @GetMapping("/balance")
    String balance(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller, Model model) {
        show(tenantId, caller, model);
        return "me :: balance";
    }

    private void show(TenantId tenantId, Caller caller, Model model) {
        if (caller == null || caller.userId() == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "only people have a balance page");
        }
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("balance", BalanceView.of(ledger.balance(tenantId, caller.userId())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND))));
        // The person's own allowance, which they could not see anywhere: "150 every month, reset; next on Jan 1".
        model.addAttribute("allowance", ledger.allowances().of(tenantId, caller.userId())
                .map(a -> Views.allowance(a.terms()) + "; next on "
                        + Views.day(ledger.allowances().nextGrantDay(tenantId, a.terms().period())))
                .orElse(null));
    }
}
