package com.aicredits.ledger.ui;

import com.aicredits.ledger.AccountRow;
import com.aicredits.ledger.Allowance;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * A user's allowance on the AI Credits tab: the badge beside the name opens it (its terms, its next grant, its last
 * grant), and Stop allowance ends future grants (SPEC: "Removing an allowance stops future grants; what was granted
 * stays"). Setting one is the Repeat choice of the Assign and Add dialogs ({@link CreditsDialogs}).
 */
@Controller
@RequestMapping("/app/tenants/{tenantId}/credits/users/{userId}/allowance")
class AllowanceDialog {

    private final Ledger ledger;

    AllowanceDialog(Ledger ledger) {
        this.ledger = ledger;
    }

    /** The user's allowance; one stopped meanwhile (by another admin) shows that, with nothing to stop. */
    @GetMapping
    String dialog(@PathVariable TenantId tenantId, @PathVariable UserId userId, Model model) {
        AccountRow row = ledger.row(tenantId, userId).orElseThrow(AllowanceDialog::notFound);
        var allowance = ledger.allowances().of(tenantId, userId);
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("row", Views.Row.of(row));
        model.addAttribute("terms", allowance.map(a -> Views.allowance(a.terms())).orElse(null));
        model.addAttribute("nextGrant", allowance
                .map(a -> Views.day(ledger.allowances().nextGrantDay(tenantId, a.terms().period()))).orElse(null));
        model.addAttribute("lastGrant", allowance.flatMap(Allowance::lastGrant).map(AllowanceDialog::grant).orElse(null));
        model.addAttribute("short", allowance.flatMap(Allowance::lastGrant).filter(g -> g.shortfall().isPositive()).isPresent());
        return "credits/dialogs :: allowance-dialog";
    }

    /**
     * Completes this period's short grants as far as the pool now goes, for every allowance of the tenant (SPEC: "an
     * admin may re-run the current period's grants after a purchase"); the API's grant-current-period. Offered where
     * the admin sees a shortfall: this dialog.
     */
    @PostMapping("/grant-missing")
    ResponseEntity<Void> grantMissing(@PathVariable TenantId tenantId, @PathVariable UserId userId) {
        AccountRow row = ledger.row(tenantId, userId).orElseThrow(AllowanceDialog::notFound);
        var totals = ledger.allowances().grantCurrentPeriod(tenantId);
        String message = !totals.granted().isPositive() && !totals.shortfall().isPositive()
                ? "Nothing is missing: this period's allowances are granted in full."
                : !totals.granted().isPositive()
                ? "Nothing could be granted: the pool has no unassigned credits. Buy credits first."
                : "Granted " + Display.credits(totals.granted()) + " credits to " + totals.users()
                        + (totals.users() == 1 ? " user" : " users") + (totals.shortfall().isPositive()
                                ? "; " + Display.credits(totals.shortfall()) + " still missing: the pool ran short again."
                                : ": this period's allowances are granted in full.");
        return ResponseEntity.noContent().header("HX-Trigger",
                Toast.message(message, userId.toString(), "/app/tenants/" + tenantId, row.name())).build();
    }

    /** Stops it: the dialog closes, the row loses its badge, and the toast says what stays. */
    @PostMapping("/stop")
    ResponseEntity<Void> stop(@PathVariable TenantId tenantId, @PathVariable UserId userId) {
        AccountRow row = ledger.row(tenantId, userId).orElseThrow(AllowanceDialog::notFound);
        boolean stopped = ledger.allowances().remove(tenantId, userId);
        String message = stopped
                ? "Stopped " + row.name() + "'s allowance: no more grants. The credits already granted stay."
                : row.name() + " had no allowance any more (another admin may have just stopped it).";
        return ResponseEntity.noContent().header("HX-Trigger",
                Toast.message(message, userId.toString(), "/app/tenants/" + tenantId, row.name())).build();
    }

    /** "200 for the period from Dec 1", with what the pool could not cover. */
    private static String grant(Allowance.Grant grant) {
        return Display.credits(grant.granted()) + " for the period from " + Views.day(grant.period().start())
                + (grant.shortfall().isPositive()
                        ? "; " + Display.credits(grant.shortfall()) + " missing: the pool was short" : "");
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
