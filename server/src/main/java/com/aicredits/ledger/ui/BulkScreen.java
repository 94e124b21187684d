package com.aicredits.ledger.ui;

import com.aicredits.api.JsonText;
import com.aicredits.api.Refusals;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.BulkChange;
import com.aicredits.ledger.BulkCsv;
import com.aicredits.ledger.BulkPreview;
import com.aicredits.ledger.BulkResult;
import com.aicredits.shared.Credits;
import com.aicredits.ledger.Ledger;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/**
 * Bulk changes on the AI Credits tab: the action bar over the selected rows, and the CSV upload. Both first
 * answer a preview (a dry run of the very change: every row before and after, the pool after, each refused row
 * with its reason); its Confirm applies the same change with a fresh idempotency key. A change applied answers
 * 204 with {@code credits-changed} (the table and cards refresh) and {@code bulk-done} (the toast, the selection
 * cleared); one refused meanwhile answers 422 with the preview again.
 */
@Controller
@RequestMapping("/app/tenants/{tenantId}/credits/bulk")
class BulkScreen {

    /** The action bar's operation that sets an allowance rather than moving credits once. */
    private static final String ALLOWANCE = "allowance";

    private final Ledger ledger;

    BulkScreen(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * What the confirm form carries back: the selection (users and one amount) or the file's text.
     * {@code userIdsJoined} is the selection as the form sends it.
     */
    public record Request(String operation, String credits, String note, List<String> userIds, String csv,
            String period, String mode) {
        public String userIdsJoined() {
            return String.join(",", userIds);
        }
    }

    /** One line of the preview, formatted; {@code refusal} is null for a row that would apply. */
    public record Line(int index, String email, String assignedBefore, String assignedAfter, String remainingBefore,
            String remainingAfter, boolean negativeAfter, String refusal) {
    }

    @GetMapping("/upload")
    String uploadDialog(@PathVariable TenantId tenantId, Model model) {
        model.addAttribute("base", base(tenantId));
        return "credits/bulk :: upload-dialog";
    }

    /** The preview of the action bar's change to the selected users. */
    @PostMapping("/preview")
    Object previewSelection(@PathVariable TenantId tenantId, @RequestParam(required = false) String operation,
            @RequestParam(required = false) String credits, @RequestParam(required = false) String note,
            @RequestParam(required = false) String userIds, @RequestParam(required = false) String period,
            @RequestParam(required = false) String mode, Principal principal, Model model, HttpServletResponse response) {
        var request = new Request(operation, credits, note, ids(userIds), null, period, mode);
        return run(tenantId, request, true, null, principal, model, response);
    }

    /** The preview of an uploaded file. */
    @PostMapping("/preview-csv")
    Object previewCsv(@PathVariable TenantId tenantId, @RequestParam(required = false) String operation,
            @RequestParam(required = false) String note, @RequestParam(required = false) MultipartFile file,
            Principal principal, Model model, HttpServletResponse response) throws IOException {
        model.addAttribute("base", base(tenantId));
        model.addAttribute("chosenOperation", operation);
        model.addAttribute("chosenNote", note);
        if (file == null || file.isEmpty()) {
            return uploadRefused("Choose a CSV file (email,credits,note).", model, response);
        }
        byte[] bytes = file.getBytes();
        if (BulkCsv.read(bytes) instanceof BulkCsv.Malformed malformed) {
            // Read from the bytes as uploaded: text that is not UTF-8 is refused, not silently repaired.
            return uploadRefused("The file was not read: " + malformed.forPeople() + ".", model, response);
        }
        var request = new Request(operation, null, note, List.of(), new String(bytes, StandardCharsets.UTF_8), null, null);
        return run(tenantId, request, true, null, principal, model, response);
    }

    @PostMapping("/apply")
    Object apply(@PathVariable TenantId tenantId, @RequestParam(required = false) String operation,
            @RequestParam(required = false) String credits, @RequestParam(required = false) String note,
            @RequestParam(required = false) String userIds, @RequestParam(required = false) String csv,
            @RequestParam(required = false) String period, @RequestParam(required = false) String mode,
            @RequestParam String idempotencyKey, Principal principal, Model model, HttpServletResponse response) {
        var request = new Request(operation, credits, note, ids(userIds), csv == null || csv.isEmpty() ? null : csv,
                period, mode);
        return run(tenantId, request, false, idempotencyKey, principal, model, response);
    }

    private Object run(TenantId tenantId, Request request, boolean dryRun, String key, Principal principal, Model model,
            HttpServletResponse response) {
        model.addAttribute("base", base(tenantId));
        model.addAttribute("request", request);
        if (ALLOWANCE.equals(request.operation()) && request.csv() == null) {
            return setAllowances(tenantId, request, dryRun, principal, model, response);
        }
        var operation = BulkChange.Operation.parse(request.operation());
        if (operation.isEmpty()) {
            return uploadOrBarRefused(request, "Choose assign, add or remove.", model, response);
        }
        List<BulkChange.Item> items;
        if (request.csv() != null) {
            switch (BulkCsv.read(request.csv().getBytes(StandardCharsets.UTF_8))) {
                case BulkCsv.Malformed malformed -> {
                    return uploadRefused("The file was not read: " + malformed.forPeople() + ".", model, response);
                }
                case BulkCsv.Rows rows -> items = rows.items();
            }
        } else {
            if (request.userIds().isEmpty()) {
                return uploadOrBarRefused(request, "Select at least one user.", model, response);
            }
            var amount = Credits.parse(request.credits());
            if (amount instanceof Credits.Entered.Invalid invalid) {
                return uploadOrBarRefused(request, Refusals.sentence(invalid.message()), model, response);
            }
            var credits = amount.orElseThrow();
            items = new ArrayList<>();
            for (String id : request.userIds()) {
                try {
                    items.add(new BulkChange.Item(new UserId(UUID.fromString(id)), null, credits, null));
                } catch (IllegalArgumentException e) {
                    return uploadOrBarRefused(request, "The selection is not valid; select the users again.", model, response);
                }
            }
        }
        var change = new BulkChange(operation.get(), items, request.note(), dryRun);
        var result = ledger.bulk(tenantId, change, new Actor(principal.getName()), key);
        return switch (result) {
            case BulkResult.Done done when !dryRun -> ResponseEntity.noContent().header("HX-Trigger",
                    "{\"credits-changed\":null,\"bulk-done\":{\"message\":"
                            + JsonText.quoted(doneMessage(operation.get(), done.preview())) + "}}").build();
            case BulkResult.Done done -> preview(done.preview(), Map.of(), model);
            case BulkResult.RowsRefused refused -> {
                if (!dryRun) {
                    // Something changed between the preview and the confirm: show why, let the table catch up.
                    response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
                    response.setHeader("HX-Trigger", "credits-stale");
                }
                var reasons = new HashMap<Integer, String>();
                refused.errors().forEach(e -> reasons.put(e.index(), reason(e)));
                yield preview(refused.preview(), reasons, model);
            }
            case BulkResult.Failed failed -> uploadOrBarRefused(request, Refusals.sentence(failed.refused().message()),
                    model, response);
        };
    }

    /** The action bar's "Set allowance": one allowance for every selected user, previewed, then confirmed. */
    private Object setAllowances(TenantId tenantId, Request request, boolean dryRun, Principal principal, Model model,
            HttpServletResponse response) {
        var period = Period.parse(request.period());
        var mode = AllowanceMode.parse(request.mode());
        if (period.isEmpty() || mode.isEmpty()) {
            return barRefused("Choose every month or every week, and reset or top up.", model, response);
        }
        var users = selection(request);
        if (users.isEmpty()) {
            return barRefused("Select at least one user.", model, response);
        }
        var amount = Credits.parse(request.credits());
        if (amount instanceof Credits.Entered.Invalid invalid) {
            return barRefused(Refusals.sentence(invalid.message()), model, response);
        }
        var terms = new AllowanceTerms(amount.orElseThrow(), period.get(), mode.get());
        model.addAttribute("allowanceSummary", "Each gets an allowance of " + Views.allowance(terms)
                + ", granted for the current period now.");
        var result = ledger.allowances().setAll(tenantId, users.get(), terms, request.note(),
                new Actor(principal.getName()), dryRun);
        return switch (result) {
            case BulkResult.Done done when !dryRun -> ResponseEntity.noContent().header("HX-Trigger",
                    "{\"credits-changed\":null,\"bulk-done\":{\"message\":" + JsonText.quoted("Set an allowance of "
                            + Views.allowance(terms) + ", for " + who(done.preview()) + ". Unassigned: "
                            + Display.credits(done.preview().unassignedAfter()) + ".") + "}}").build();
            case BulkResult.Done done -> preview(done.preview(), Map.of(), model);
            case BulkResult.RowsRefused refused -> {
                if (!dryRun) {
                    response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
                    response.setHeader("HX-Trigger", "credits-stale");
                }
                var reasons = new HashMap<Integer, String>();
                refused.errors().forEach(e -> reasons.put(e.index(), reason(e)));
                yield preview(refused.preview(), reasons, model);
            }
            case BulkResult.Failed failed -> barRefused(Refusals.sentence(failed.refused().message()), model, response);
        };
    }

    /** The selected users' ids; empty when nothing is selected or an id is not one (a tampered form). */
    private static Optional<List<UserId>> selection(Request request) {
        try {
            var users = request.userIds().stream().map(id -> new UserId(UUID.fromString(id))).toList();
            return users.isEmpty() ? Optional.empty() : Optional.of(users);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String who(BulkPreview preview) {
        int users = preview.rows().size();
        return users + (users == 1 ? " user" : " users");
    }

    /**
     * The selection travels as one comma-separated field, not a field per user: servlet containers cap the number
     * of form fields (and multipart parts) far below a bulk's 10,000 rows.
     */
    private static List<String> ids(String userIds) {
        return userIds == null || userIds.isBlank() ? List.of()
                : java.util.Arrays.stream(userIds.split(",")).map(String::strip).filter(id -> !id.isEmpty()).toList();
    }

    private String preview(BulkPreview preview, Map<Integer, String> reasons, Model model) {
        var lines = new ArrayList<Line>(preview.rows().size());
        for (int i = 0; i < preview.rows().size(); i++) {
            var row = preview.rows().get(i);
            lines.add(new Line(i, row.email(), Display.credits(row.before().assigned()), Display.credits(row.after().assigned()),
                    Display.credits(row.before().remaining()), Display.credits(row.after().remaining()),
                    row.after().remaining().isNegative(), reasons.get(i)));
        }
        model.addAttribute("lines", lines);
        model.addAttribute("refusedCount", reasons.size());
        model.addAttribute("unassignedBefore", Display.credits(preview.unassignedBefore()));
        model.addAttribute("unassignedAfter", Display.credits(preview.unassignedAfter()));
        model.addAttribute("idempotencyKey", UUID.randomUUID().toString());
        return "credits/bulk :: preview-dialog";
    }

    private static String reason(BulkResult.RowRefused e) {
        return switch (e.code()) {
            case "INSUFFICIENT_UNASSIGNED" -> "The pool has only " + Display.credits(e.limit()) + " credits left for this row.";
            case "EXCEEDS_REMOVABLE" -> "At most " + Display.credits(e.limit()) + " credits can be removed.";
            case "ALREADY_ASSIGNED" -> "Already has credits: use Add instead.";
            case "NO_ALLOCATION" -> "Has no credits assigned: use Assign instead.";
            case "USER_INACTIVE" -> "Deactivated: no new credits can be given.";
            // The preview numbers its rows as the detail's "row" does (from 1); the API's index is for the API.
            case "DUPLICATE_USER" -> Refusals.sentence(e.detail().replaceFirst(" \\(index \\d+\\)", ""));
            case "NOT_FOUND" -> Refusals.sentence(e.detail().replace(" in this tenant", ""));
            default -> Refusals.sentence(e.detail());
        };
    }

    private static String doneMessage(BulkChange.Operation operation, BulkPreview preview) {
        String who = who(preview);
        return switch (operation) {
            case ASSIGN -> "Assigned credits to " + who + ".";
            case ADD -> "Added credits to " + who + ".";
            case REMOVE -> "Removed credits from " + who + ".";
        } + " Unassigned: " + Display.credits(preview.unassignedAfter()) + ".";
    }

    private String uploadOrBarRefused(Request request, String error, Model model, HttpServletResponse response) {
        return request.csv() != null ? uploadRefused(error, model, response) : barRefused(error, model, response);
    }

    private static String uploadRefused(String error, Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        model.addAttribute("error", error);
        return "credits/bulk :: upload-dialog";
    }

    /** The action bar's refusals (no amount, nothing selected) come back as a small dialog saying so. */
    private static String barRefused(String error, Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        model.addAttribute("error", error);
        return "credits/bulk :: bar-refused-dialog";
    }

    private static String base(TenantId tenantId) {
        return "/app/tenants/" + tenantId;
    }
}
