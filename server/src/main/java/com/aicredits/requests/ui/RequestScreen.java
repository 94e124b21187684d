package com.aicredits.requests.ui;

import com.aicredits.access.Caller;
import com.aicredits.api.Refusals;
import com.aicredits.directory.Directory;
import com.aicredits.requests.CreditRequest;
import com.aicredits.requests.CreditRequests;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.Moments;
import com.aicredits.shared.TenantId;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
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

/** The admins' list of credit requests: approve (the amount asked for or another, with a note) or decline. */
@Controller
@RequestMapping("/app/tenants/{tenantId}/credits/requests")
class RequestScreen {

    private static final int SHOWN = 50;

    private final CreditRequests requests;
    private final Directory directory;

    RequestScreen(CreditRequests requests, Directory directory) {
        this.requests = requests;
        this.directory = directory;
    }

    public record RequestView(String id, String userId, String name, String email, String credits, String reason,
            String status, String at, String granted, String note, String decidedBy) {
        static RequestView of(CreditRequest r) {
            return new RequestView(r.id().toString(), r.userId().toString(), r.name(), r.email(), r.credits().toDisplayString(),
                    r.reason(), r.status().name(), Moments.shown(r.createdAt()),
                    r.granted() == null ? null : r.granted().toDisplayString(), r.decisionNote(), r.decidedBy());
        }
    }

    @GetMapping
    String page(@PathVariable TenantId tenantId, Model model) {
        var tenant = directory.tenant(tenantId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("tenant", tenant);
        list(tenantId, model, null, null, null);
        return "requests/page";
    }

    @GetMapping("/list")
    String list(@PathVariable TenantId tenantId, Model model) {
        return list(tenantId, model, null, null, null);
    }

    /** The count on the AI Credits tab, refreshed live. */
    @GetMapping("/count")
    String count(@PathVariable TenantId tenantId, Model model) {
        model.addAttribute("pendingCount", requests.count(tenantId, CreditRequest.Status.PENDING));
        return "requests/page :: count";
    }

    @PostMapping("/{id}/approve")
    String approve(@PathVariable TenantId tenantId, @PathVariable UUID id, @RequestParam(required = false) String credits,
            @RequestParam(required = false) String note, @AuthenticationPrincipal Caller caller, Model model,
            HttpServletResponse response) {
        // What the admin typed comes back with a refusal, beside the request it was for.
        model.addAttribute("enteredCredits", credits);
        model.addAttribute("enteredNote", note);
        Credits amount = null;
        if (credits != null && !credits.isBlank()) {
            var entered = Credits.parse(credits.strip());
            if (entered instanceof Credits.Entered.Invalid invalid) {
                response.setStatus(422);
                return list(tenantId, model, id, Refusals.sentence(invalid.message()), null);
            }
            amount = ((Credits.Entered.Valid) entered).credits();
        }
        return switch (requests.approve(tenantId, id, amount, note, caller.getName())) {
            case Outcome.Done<CreditRequest>(var request) -> list(tenantId, model, null, null, done("Approved", request));
            case Refused<CreditRequest> refused -> {
                response.setStatus(422);
                yield list(tenantId, model, id, said(refused), null);
            }
        };
    }

    /** A decline is confirmed in a dialog first: the requester is told of it, with the reason typed there. */
    @GetMapping("/{id}/decline")
    String declineDialog(@PathVariable TenantId tenantId, @PathVariable UUID id, Model model) {
        var request = requests.request(tenantId, id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        String closed = request.status() == CreditRequest.Status.PENDING ? null
                : "Another admin has already " + request.status().name().toLowerCase() + " this request.";
        return declineDialog(tenantId, request, null, closed, model);
    }

    /**
     * From the dialog. Declined: the list takes the answer, as after an approval, and the dialog closes
     * ({@code request-decided}, app.js); refused: the dialog again, its message inline, what was typed kept.
     */
    @PostMapping("/{id}/decline")
    String decline(@PathVariable TenantId tenantId, @PathVariable UUID id, @RequestParam(required = false) String reason,
            @AuthenticationPrincipal Caller caller, Model model, HttpServletResponse response) {
        return switch (requests.decline(tenantId, id, reason, caller.getName())) {
            case Outcome.Done<CreditRequest>(var request) -> {
                response.setHeader("HX-Retarget", "#request-list");
                response.setHeader("HX-Reswap", "outerHTML");
                response.setHeader("HX-Trigger", "request-decided");
                yield list(tenantId, model, null, null, done("Declined", request));
            }
            case Refused<CreditRequest> refused -> {
                response.setStatus(422);
                var request = requests.request(tenantId, id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
                yield declineDialog(tenantId, request, reason, refused.message(), model);
            }
        };
    }

    private String declineDialog(TenantId tenantId, CreditRequest request, String reason, String error, Model model) {
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("request", RequestView.of(request));
        model.addAttribute("reason", reason);
        model.addAttribute("error", error);
        model.addAttribute("closed", request.status() != CreditRequest.Status.PENDING);
        return "requests/dialogs :: decline-dialog";
    }

    /** A refusal in the words of the AI Credits tab's dialogs: "Only 1,038 credits are unassigned." */
    private static String said(Refused<?> refused) {
        return refused.reason() == Refusal.INSUFFICIENT_UNASSIGNED && refused.limit() != null
                ? "Only " + refused.limit().toDisplayString() + " credits are unassigned: approve fewer, or buy more first."
                : Refusals.sentence(refused.message());
    }

    private static String done(String verb, CreditRequest request) {
        return verb + ": " + request.name() + ", "
                + (request.granted() == null ? request.credits() : request.granted()).toDisplayString() + " credits.";
    }

    /** {@code done}, the message after a decision, goes out of band to the status region above the list. */
    private String list(TenantId tenantId, Model model, UUID failed, String error, String done) {
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("pending", requests.list(tenantId, CreditRequest.Status.PENDING, 0, SHOWN).stream().map(RequestView::of).toList());
        model.addAttribute("decided", requests.list(tenantId, null, 0, SHOWN).stream()
                .filter(r -> r.status() != CreditRequest.Status.PENDING).limit(20).map(RequestView::of).toList());
        model.addAttribute("failed", failed == null ? null : failed.toString());
        model.addAttribute("error", error);
        model.addAttribute("done", done);
        return "requests/page :: list";
    }
}
