package com.aicredits.ledger.ui;

import com.aicredits.directory.Directory;
import com.aicredits.directory.User;
import com.aicredits.ledger.EntryType;
import com.aicredits.ledger.HistoryFilter;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RowQuery;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A user's history as people read it: filtered by type, date range and feature, exported as CSV with the same
 * filters, and refreshed from the tenant's live stream like the rest of the screens. Reachable for users who have
 * left the table.
 */
@Controller
@RequestMapping("/app/tenants/{tenantId}/credits/users/{userId}")
public class HistoryScreen {

    private static final int PAGE_SIZE = 50;

    private final Ledger ledger;
    private final Directory directory;

    HistoryScreen(Ledger ledger, Directory directory) {
        this.ledger = ledger;
        this.directory = directory;
    }

    /**
     * The filters as the form and the URL carry them. As on the table, a value that does not parse falls back to no
     * filter (the screen never fails on a hand-edited URL). A range given backwards is refused with
     * {@link #rangeError()}, not read: it would match nothing and look like an empty history.
     */
    public record Filters(String type, String from, String to, String feature) {

        static Filters of(String type, String from, String to, String feature) {
            var t = type == null ? "" : Arrays.stream(EntryType.values()).filter(e -> e.name().equalsIgnoreCase(type.strip()))
                    .map(Enum::name).findFirst().orElse("");
            String feat = feature == null ? "" : feature.strip();
            return new Filters(t, day(from), day(to), feat.length() > Ledger.MAX_FEATURE ? "" : feat);
        }

        /** Why the range cannot be read, shown next to the filter; "" when it can. */
        public String rangeError() {
            // ISO days of four-digit years (see day()) sort as text
            return !from.isEmpty() && !to.isEmpty() && from.compareTo(to) > 0
                    ? "From is after To: choose a From on or before To." : "";
        }

        HistoryFilter filter() {
            return new HistoryFilter(type.isEmpty() ? null : EntryType.valueOf(type),
                    from.isEmpty() ? null : LocalDate.parse(from), to.isEmpty() ? null : LocalDate.parse(to), feature);
        }

        public boolean any() {
            return !type.isEmpty() || !from.isEmpty() || !to.isEmpty() || !feature.isEmpty();
        }

        /** The filters as a query string (without "?"), for the export, the pages and the live refresh. */
        public String query() {
            var b = UriComponentsBuilder.newInstance();
            if (!type.isEmpty()) b.queryParam("type", type);
            if (!from.isEmpty()) b.queryParam("from", from);
            if (!to.isEmpty()) b.queryParam("to", to);
            if (!feature.isEmpty()) b.queryParam("feature", feature);
            String q = b.encode().build().getQuery();
            return q == null ? "" : q;
        }

        /** The query for another page, with the filters. */
        public String pageQuery(int page) {
            String q = query();
            return "page=" + page + (q.isEmpty() ? "" : "&" + q);
        }

        private static String day(String text) {
            if (text == null || text.isBlank()) {
                return "";
            }
            try {
                var day = LocalDate.parse(text.strip());
                // the years PostgreSQL and ISO agree on, as the usage API's ranges: "+99999-01-01" parses too
                return day.getYear() < 1970 || day.getYear() > 9999 ? "" : day.toString();
            } catch (DateTimeParseException e) {
                return "";
            }
        }
    }

    @GetMapping("/history")
    String history(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestParam(defaultValue = "0") int page,
            @RequestParam(required = false) String type, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String feature, Model model) {
        var user = user(tenantId, userId);
        model.addAttribute("tenant", directory.tenant(tenantId).orElseThrow(HistoryScreen::notFound));
        model.addAttribute("user", user);
        figures(tenantId, user, model);
        var types = new LinkedHashMap<String, String>(); // the type filter's options: code, and the lines' title
        Arrays.stream(EntryType.values()).filter(t -> t != EntryType.PURCHASE)
                .forEach(t -> types.put(t.name(), HistoryLines.what(t)));
        model.addAttribute("types", types);
        model.addAttribute("features", ledger.features(tenantId, user.id()));
        lines(tenantId, user, page, Filters.of(type, from, to, feature), model);
        return "credits/history";
    }

    /** The header's figures alone (assigned, consumed, remaining): what the live stream swaps in. */
    @GetMapping("/history/figures")
    String figures(@PathVariable TenantId tenantId, @PathVariable UserId userId, Model model) {
        figures(tenantId, user(tenantId, userId), model);
        return "credits/history :: figures";
    }

    private void figures(TenantId tenantId, User user, Model model) {
        model.addAttribute("userPath", userPath(tenantId, user));
        model.addAttribute("row", ledger.row(tenantId, user.id()).map(Views.Row::of).orElse(null));
    }

    /** The lines alone, with the filters: what the live stream and the pages swap in. */
    @GetMapping("/history/lines")
    String lines(@PathVariable TenantId tenantId, @PathVariable UserId userId, @RequestParam(defaultValue = "0") int page,
            @RequestParam(required = false) String type, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String feature, Model model) {
        lines(tenantId, user(tenantId, userId), page, Filters.of(type, from, to, feature), model);
        return "credits/history :: lines";
    }

    private void lines(TenantId tenantId, User user, int page, Filters filters, Model model) {
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("userPath", userPath(tenantId, user));
        model.addAttribute("filters", filters);
        if (!filters.rangeError().isEmpty()) {
            return; // the refusal instead of the lines
        }
        var entries = ledger.history(tenantId, user.id(), filters.filter(), Math.max(0, page), PAGE_SIZE);
        model.addAttribute("lines", HistoryLines.of(entries.items()));
        model.addAttribute("page", entries.page());
        model.addAttribute("pages", (int) Math.max(1, (entries.total() + PAGE_SIZE - 1) / PAGE_SIZE));
    }

    /** The user's history as people read it (signed amounts, one line per AI request), every page, with the filters. */
    @GetMapping("/history.csv")
    void historyCsv(@PathVariable TenantId tenantId, @PathVariable UserId userId,
            @RequestParam(required = false) String type, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String feature,
            HttpServletResponse response) throws IOException {
        var user = user(tenantId, userId);
        var filters = Filters.of(type, from, to, feature);
        if (!filters.rangeError().isEmpty()) { // the page offers no export then; a hand-made link is told why
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, filters.rangeError());
        }
        var filter = filters.filter();
        // The first page before the answer becomes a CSV file, as the table's export does (a NUL in the feature).
        var first = ledger.history(tenantId, user.id(), filter, 0, RowQuery.MAX_PAGE_SIZE);
        response.setContentType("text/csv; charset=utf-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"history.csv\"");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        PrintWriter out = response.getWriter();
        out.print("When (UTC),What,Credits,Hold,Remaining after,By,Feature,Note,Request id,Reference\r\n");
        for (int page = 0; ; page++) {
            var entries = page == 0 ? first : ledger.history(tenantId, user.id(), filter, page, RowQuery.MAX_PAGE_SIZE);
            for (var l : HistoryLines.of(entries.items())) {
                // no change (only a hold moved) is an empty cell, as on screen
                out.print(String.join(",", l.at().toString(), csv(l.what()),
                        number(l.amount().isEmpty() ? null : l.change()), number(l.held()), number(l.remaining()),
                        csv(l.by()), csv(l.feature()), csv(l.note()), csv(l.requestId()), csv(l.reference())) + "\r\n");
            }
            if ((long) (page + 1) * RowQuery.MAX_PAGE_SIZE >= entries.total()) {
                break;
            }
        }
        out.flush();
    }

    private static String csv(String value) {
        return CreditsScreen.csv(value == null ? "" : value);
    }

    /**
     * A figure as the AI Credits export writes one: plain (-188.625, 12000) and unquoted, so a spreadsheet sums it.
     * Only text gets the formula guard; a number a spreadsheet reads as a number runs nothing.
     */
    private static String number(Credits figure) {
        return figure == null ? "" : figure.toString();
    }

    private static String userPath(TenantId tenantId, User user) {
        return "/app/tenants/" + tenantId + "/credits/users/" + user.id().value();
    }

    private User user(TenantId tenantId, UserId userId) {
        return directory.user(tenantId, userId).orElseThrow(HistoryScreen::notFound);
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
