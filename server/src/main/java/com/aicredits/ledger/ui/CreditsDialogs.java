package com.aicredits.ledger.ui;

import com.aicredits.api.Refusals;
import com.aicredits.ledger.AccountRow;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Allowance;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.ledger.Allocated;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The Assign, Add, Remove and End allocation dialogs of the AI Credits tab. A change answers 204 with
 * {@code HX-Trigger}: {@code credits-changed} (the dialog closes, the table and cards refresh) and
 * {@code credits-done} (the toast and the row's highlight). A refusal answers 422 with the dialog again, its
 * message inline, the user's current figures, and {@code credits-stale} so the table behind it catches up
 * with whatever another admin did meanwhile.
 */
@Controller
@RequestMapping("/app/tenants/{tenantId}/credits")
class CreditsDialogs {

    private final Ledger ledger;

    CreditsDialogs(Ledger ledger) {
        this.ledger = ledger;
    }

    /** What the admin typed, shown again when the dialog comes back with a refusal. */
    public record Entered(UserId userId, String credits, String note, String repeat, String mode) {
        static final Entered NOTHING = new Entered(null, "", "");

        Entered(UserId userId, String credits, String note) {
            this(userId, credits, note, "", AllowanceMode.RESET.name());
        }
    }

    @GetMapping("/assign")
    String assignDialog(@PathVariable TenantId tenantId, Model model) {
        return dialog(tenantId, "assign", null, null, model);
    }

    @GetMapping("/users/{userId}/{action:add|remove}")
    String changeDialog(@PathVariable TenantId tenantId, @PathVariable UserId userId, @PathVariable String action, Model model,
            HttpServletResponse response) {
        String view = dialog(tenantId, action, userId, null, model);
        if (model.getAttribute("row") instanceof Views.Row row && !row.active()) {
            // The table showed a row that has left it meanwhile: say so, and let the table catch up.
            model.addAttribute("error", row.name() + " has no credits assigned any more.");
            response.setHeader("HX-Trigger", "credits-stale");
        }
        return view;
    }

    @PostMapping("/assign")
    Object assign(@PathVariable TenantId tenantId, @RequestParam(required = false) UserId userId,
            @RequestParam(required = false) String credits, @RequestParam(required = false) String note,
            @RequestParam(required = false) String repeat, @RequestParam(required = false) String mode,
            @RequestParam String idempotencyKey, Principal principal, Model model, HttpServletResponse response) {
        model.addAttribute("entered", new Entered(userId, credits, note, blank(repeat), modeOrReset(mode)));
        if (userId == null) {
            return refused(tenantId, "assign", null, "Select a user.", model, response);
        }
        if (!blank(repeat).isEmpty()) {
            return allowance(tenantId, "assign", userId, credits, note, repeat, mode, principal, model, response);
        }
        return change(tenantId, "assign", userId, credits, note, model, response,
                amount -> ledger.assign(tenantId, userId, amount, note,
                        new Actor(principal.getName()), idempotencyKey));
    }

    @PostMapping("/users/{userId}/add")
    Object add(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestParam(required = false) String credits,
            @RequestParam(required = false) String note, @RequestParam(required = false) String repeat,
            @RequestParam(required = false) String mode, @RequestParam String idempotencyKey, Principal principal,
            Model model, HttpServletResponse response) {
        if (!blank(repeat).isEmpty()) {
            return allowance(tenantId, "add", userId, credits, note, repeat, mode, principal, model, response);
        }
        return change(tenantId, "add", userId, credits, note, model, response,
                amount -> ledger.add(tenantId, userId, amount, note,
                        new Actor(principal.getName()), idempotencyKey));
    }

    @PostMapping("/users/{userId}/remove")
    Object remove(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestParam(required = false) String credits,
            @RequestParam(required = false) String note, @RequestParam String idempotencyKey, Principal principal,
            Model model, HttpServletResponse response) {
        return change(tenantId, "remove", userId, credits, note, model, response,
                amount -> ledger.remove(tenantId, userId, amount, note,
                        new Actor(principal.getName()), idempotencyKey));
    }

    /** For a user with nothing removable: closes the allocation; what was consumed stays in the history. */
    @PostMapping("/users/{userId}/end")
    Object end(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestParam String idempotencyKey,
            Principal principal, Model model, HttpServletResponse response) {
        model.addAttribute("entered", new Entered(userId, "", ""));
        var result = ledger.endAllocation(tenantId, userId, new Actor(principal.getName()),
                idempotencyKey);
        return answer(tenantId, "remove", userId, result, null, model, response);
    }

    /**
     * "Repeat every month / week" in the Assign or Add dialog: the amount becomes the user's allowance, which grants
     * the current period at once (RESET: unused credits back to the pool, then the amount; TOP_UP: up to the amount)
     * and every later period at its start, instead of a one-off assign or add.
     */
    private Object allowance(TenantId tenantId, String action, UserId userId, String credits, String note, String repeat,
            String mode, Principal principal, Model model, HttpServletResponse response) {
        model.addAttribute("entered", new Entered(userId, credits, note, blank(repeat), modeOrReset(mode)));
        var period = Period.parse(repeat);
        var allowanceMode = AllowanceMode.parse(modeOrReset(mode));
        if (period.isEmpty() || allowanceMode.isEmpty()) {
            return refused(tenantId, action, userId, "Choose every month or every week, and reset or top up.", model, response);
        }
        var entered = Credits.parse(credits);
        if (entered instanceof Credits.Entered.Invalid invalid) {
            return refused(tenantId, action, userId, Refusals.sentence(invalid.message()), model, response);
        }
        var terms = new AllowanceTerms(entered.orElseThrow(), period.get(), allowanceMode.get());
        var tenant = tenantId;
        return switch (ledger.allowances().set(tenant, userId, terms, note, new Actor(principal.getName()))) {
            case Outcome.Done<Allowance>(var allowance) -> {
                var row = ledger.row(tenant, userId);
                var grant = allowance.lastGrant();
                String message = "Set " + Views.allowance(terms) + (row.isPresent() ? " for " + row.get().name() : "") + "."
                        + grant.filter(g -> g.shortfall().isPositive())
                                .map(g -> " The pool was short: " + Display.credits(g.granted()) + " granted now, "
                                        + Display.credits(g.shortfall()) + " missing.").orElse("")
                        + " Next grant " + Views.day(ledger.allowances().nextGrantDay(tenant, terms.period())) + ".";
                yield ResponseEntity.noContent().header("HX-Trigger", Toast.message(message, userId.toString(),
                        base(tenantId), row.map(AccountRow::name).orElse(""))).build();
            }
            case Refused<?> refusal -> {
                response.setHeader("HX-Trigger", "credits-stale");
                var row = ledger.row(tenant, userId).orElse(null);
                yield refused(tenantId, action, userId, message(refusal, row), model, response);
            }
        };
    }

    private static String blank(String text) {
        return text == null ? "" : text.strip();
    }

    private static String modeOrReset(String mode) {
        return mode == null || mode.isBlank() ? AllowanceMode.RESET.name() : mode.strip();
    }

    private Object change(TenantId tenantId, String action, UserId userId, String credits, String note, Model model,
            HttpServletResponse response, Function<Credits, Outcome<Allocated>> operation) {
        model.addAttribute("entered", new Entered(userId, credits, note));
        var entered = Credits.parse(credits);
        if (entered instanceof Credits.Entered.Invalid invalid) {
            return refused(tenantId, action, userId, Refusals.sentence(invalid.message()), model, response);
        }
        var amount = entered.orElseThrow();
        return answer(tenantId, action, userId, operation.apply(amount), amount, model, response);
    }

    private Object answer(TenantId tenantId, String action, UserId userId, Outcome<Allocated> result, Credits amount,
            Model model, HttpServletResponse response) {
        return switch (result) {
            case Outcome.Done<Allocated>(var allocated) -> ResponseEntity.noContent()
                    .header("HX-Trigger", Toast.done(action, amount, allocated.row(), base(tenantId))).build();
            case Refused<?> refusal -> {
                response.setHeader("HX-Trigger", "credits-stale");
                var row = userId == null ? null : ledger.row(tenantId, userId).orElse(null);
                yield refused(tenantId, action, userId, message(refusal, row), model, response);
            }
        };
    }

    /** The dialog again, with the refusal shown inline; 422 so nothing else on the page is touched. */
    private String refused(TenantId tenantId, String action, UserId userId, String error, Model model,
            HttpServletResponse response) {
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        return dialog(tenantId, action, userId, error, model);
    }

    /**
     * The dialog with the user's current figures. A closed allocation still renders (another admin may have
     * closed it while this dialog was open), without a form to submit; a user who never had one is a 404.
     */
    private String dialog(TenantId tenantId, String action, UserId userId, String error, Model model) {
        if (!model.containsAttribute("entered")) {
            model.addAttribute("entered", Entered.NOTHING);
        }
        model.addAttribute("base", base(tenantId));
        model.addAttribute("action", action);
        model.addAttribute("error", error);
        model.addAttribute("idempotencyKey", UUID.randomUUID().toString());
        model.addAttribute("unassigned", Display.credits(ledger.unassigned(tenantId).orElseThrow(CreditsDialogs::notFound)));
        if (action.equals("assign")) {
            model.addAttribute("assignable", ledger.assignableUsers(tenantId));
            return "credits/fragments :: assign-dialog";
        }
        AccountRow row = ledger.row(tenantId, userId).orElseThrow(CreditsDialogs::notFound);
        model.addAttribute("row", Views.Row.of(row));
        return "credits/dialogs :: change-dialog";
    }

    private static String message(Refused<?> refusal, AccountRow row) {
        String who = row == null ? "This user" : row.name();
        return switch (refusal.reason()) {
            case INSUFFICIENT_UNASSIGNED -> "Only " + Display.credits(refusal.limit()) + " credits are unassigned.";
            case EXCEEDS_REMOVABLE -> refusal.limit() != null && !refusal.limit().isPositive() && row != null && row.held().isPositive()
                    ? "Nothing can be removed while " + Display.credits(row.held()) + " credits are held by running requests."
                    : "At most " + Display.credits(refusal.limit())
                            + " credits can be removed: consumed credits and credits held by running requests stay.";
            case ALREADY_ASSIGNED -> who + " already has credits (another admin may have just assigned them). Use Add Credits instead.";
            case NO_ALLOCATION -> who + "'s allocation was closed by another admin a moment ago.";
            case USER_INACTIVE -> who + " is deactivated: no new credits can be given.";
            case NOT_FOUND -> "This user no longer exists.";
            default -> Refusals.sentence(refusal.message());
        };
    }

    private static String base(TenantId tenantId) {
        return "/app/tenants/" + tenantId;
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
