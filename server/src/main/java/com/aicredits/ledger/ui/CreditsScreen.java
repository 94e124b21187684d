package com.aicredits.ledger.ui;

import com.aicredits.directory.Directory;
import com.aicredits.directory.Role;
import com.aicredits.directory.Tenant;
import com.aicredits.ledger.AccountRow;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.Page;
import com.aicredits.ledger.RowQuery.SortBy;
import com.aicredits.ledger.RowQuery.UserState;
import com.aicredits.ledger.RowQuery;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
 * The AI Credits tab: summary cards, the per-user table (search, filters, sort, pages), the purchase history and
 * the CSV export; a user's history is {@link HistoryScreen}, the dialogs are {@link CreditsDialogs}. Fragments are served to htmx
 * so a change refreshes only what it touched; every page listens to the tenant's live stream.
 */
@Controller
@RequestMapping("/app/tenants/{tenantId}/credits")
public class CreditsScreen {

    private static final int PAGE_SIZE = 25;

    /** A sortable column of the table: its sort key, its header, whether it holds numbers, and whether a phone hides it. */
    public record Column(String key, String label, boolean numeric, boolean wide) {
    }

    // A phone shows name, remaining and the actions; the row's Details expansion holds the rest.
    private static final java.util.List<Column> COLUMNS = java.util.List.of(new Column("name", "Name", false, false),
            new Column("email", "Email", false, true), new Column("role", "Role", false, true),
            new Column("assigned", "Assigned", true, true), new Column("consumed", "Consumed", true, true),
            new Column("remaining", "Remaining", true, false), new Column("runsOutOn", "Runs out", true, true),
            new Column("usedPercent", "Usage", false, true));

    private final Ledger ledger;
    private final Directory directory;

    CreditsScreen(Ledger ledger, Directory directory) {
        this.ledger = ledger;
        this.directory = directory;
    }

    /**
     * The table's state, as the URL and the hidden inputs carry it, read with RowQuery's parser (the API's):
     * where the API refuses a value that does not parse, the screen falls back to the default.
     */
    public record TableState(String q, String role, String state, String sort, boolean desc, int page) {

        static TableState of(String q, String role, String state, String sort, int page) {
            var order = RowQuery.Sort.parse(sort).orElse(RowQuery.Sort.DEFAULT);
            return new TableState(q == null ? "" : q.strip(), Role.parse(role).map(Role::name).orElse(""),
                    RowQuery.state(state).map(s -> s.name().toLowerCase()).orElse(""), order.by().key(),
                    order.descending(), Math.max(0, page));
        }

        RowQuery query(int size) {
            var order = RowQuery.Sort.parse(sortParam()).orElse(RowQuery.Sort.DEFAULT);
            return new RowQuery(q.isEmpty() ? null : q, Role.parse(role).orElse(null), RowQuery.state(state).orElse(null),
                    order.by(), order.descending(), page, size);
        }

        TableState onPage(int target) {
            return new TableState(q, role, state, sort, desc, target);
        }

        public String sortParam() {
            return sort + (desc ? ",desc" : "");
        }

        /**
         * The query a column header asks for: ascending first, descending when already ascending. Search and
         * filters are not in it: the request includes the filter form, so they are always the current ones.
         */
        public String sortLink(String column) {
            boolean nextDesc = column.equals(sort) && !desc;
            return "sort=" + column + (nextDesc ? ",desc" : "") + "&page=0";
        }

        public String pageLink(int target) {
            return "sort=" + sortParam() + "&page=" + target;
        }

        /** Everything the table shows, for the export. */
        public String exportQuery() {
            return params(sortParam(), 0);
        }

        public String ariaSort(String column) {
            return !column.equals(sort) ? "none" : desc ? "descending" : "ascending";
        }

        private String params(String sortValue, int targetPage) {
            return UriComponentsBuilder.newInstance().queryParam("q", q).queryParam("role", role)
                    .queryParam("state", state).queryParam("sort", sortValue).queryParam("page", targetPage)
                    .encode().build().getQuery();
        }
    }

    @GetMapping
    String page(@PathVariable TenantId tenantId, Model model) {
        var tenant = tenant(tenantId);
        model.addAttribute("tenant", tenant);
        model.addAttribute("base", base(tenantId));
        cards(tenantId, model);
        table(tenantId, null, null, null, null, 0, model);
        return "credits/page";
    }

    @GetMapping("/cards")
    String cards(@PathVariable TenantId tenantId, Model model) {
        model.addAttribute("base", base(tenantId));
        var summary = ledger.summary(tenantId).orElseThrow(CreditsScreen::notFound);
        model.addAttribute("cards", Views.Cards.of(summary, count(tenantId, UserState.LOW), count(tenantId, UserState.EXHAUSTED)));
        model.addAttribute("runway", UsagePanels.tenantRunway(ledger.overTime().tenantRunway(tenantId), summary.totalAvailable()));
        return "credits/fragments :: cards";
    }

    @GetMapping("/table")
    String table(@PathVariable TenantId tenantId, @RequestParam(required = false) String q,
            @RequestParam(required = false) String role, @RequestParam(required = false) String state,
            @RequestParam(required = false) String sort, @RequestParam(defaultValue = "0") int page, Model model) {
        var tableState = TableState.of(q, role, state, sort, page);
        var shown = ledger.overTime().table(tenantId, tableState.query(PAGE_SIZE));
        Page<AccountRow> rows = shown.rows();
        model.addAttribute("base", base(tenantId));
        model.addAttribute("table", tableState);
        model.addAttribute("columns", COLUMNS);
        var tenant = tenantId;
        var nextGrant = new java.util.EnumMap<com.aicredits.settings.Period, java.time.LocalDate>(com.aicredits.settings.Period.class);
        model.addAttribute("rows", rows.items().stream()
                .map(row -> Views.Row.of(row,
                        period -> nextGrant.computeIfAbsent(period, p -> ledger.allowances().nextGrantDay(tenant, p)),
                        shown.runways().get(row.userId())))
                .toList());
        model.addAttribute("total", rows.total());
        model.addAttribute("pages", (int) Math.max(1, (rows.total() + PAGE_SIZE - 1) / PAGE_SIZE));
        model.addAttribute("filtered", !tableState.q().isEmpty() || !tableState.role().isEmpty() || !tableState.state().isEmpty());
        return "credits/fragments :: table";
    }

    // ---------------------------------------------------------------- pages and export

    @GetMapping("/purchases")
    String purchases(@PathVariable TenantId tenantId, Model model) {
        model.addAttribute("tenant", tenant(tenantId));
        model.addAttribute("base", base(tenantId));
        model.addAttribute("purchases", ledger.purchases(tenantId).stream().map(Views.PurchaseLine::of).toList());
        return "credits/purchases";
    }

    /** The table as filtered and sorted on screen, every page of it. */
    @GetMapping("/export.csv")
    void export(@PathVariable TenantId tenantId, @RequestParam(required = false) String q,
            @RequestParam(required = false) String role, @RequestParam(required = false) String state,
            @RequestParam(required = false) String sort, HttpServletResponse response) throws IOException {
        var tableState = TableState.of(q, role, state, sort, 0);
        // The first page before the answer becomes a CSV file: a filter the database refuses (a NUL in the search)
        // is then still answered as a 400 problem, not a 500 halfway through a file.
        var first = ledger.overTime().table(tenantId, tableState.onPage(0).query(RowQuery.MAX_PAGE_SIZE));
        response.setContentType("text/csv; charset=utf-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"ai-credits.csv\"");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        PrintWriter out = response.getWriter();
        out.print("Name,Email,Role,Assigned,Consumed,Remaining,Held,Used %,Runs out on\r\n");
        for (int page = 0; ; page++) {
            var table = page == 0 ? first : ledger.overTime().table(tenantId, tableState.onPage(page).query(RowQuery.MAX_PAGE_SIZE));
            for (AccountRow r : table.rows().items()) {
                var runway = table.runways().get(r.userId());
                out.print(String.join(",", csv(r.name()), csv(r.email()), r.role().name(), r.assigned().toString(),
                        r.consumed().toString(), r.remaining().toString(), r.held().toString(),
                        r.usedPercent().toPlainString(),
                        runway == null ? "" : Views.Row.usedUp(r) ? Views.Row.USED_UP
                                : runway.runsOutOn() == null ? "" : runway.runsOutOn().toString()) + "\r\n");
            }
            if ((long) (page + 1) * RowQuery.MAX_PAGE_SIZE >= table.rows().total()) {
                break;
            }
        }
        out.flush();
    }

    /** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
    static String csv(String value) {
        String safe = value.matches("^[=+\\-@\\t\\r].*") ? "'" + value : value;
        return "\"" + safe.replace("\"", "\"\"") + "\"";
    }

    /** How many users the table's state filter would show: the cards' "4 low · 2 used up". */
    private long count(TenantId tenant, UserState state) {
        return ledger.rows(tenant, new RowQuery(null, null, state, SortBy.NAME, false, 0, 1)).total();
    }

    private Tenant tenant(TenantId tenantId) {
        return directory.tenant(tenantId).orElseThrow(CreditsScreen::notFound);
    }

    private static String base(TenantId tenantId) {
        return "/app/tenants/" + tenantId;
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
