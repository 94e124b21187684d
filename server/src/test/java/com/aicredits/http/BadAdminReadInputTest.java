package com.aicredits.http;

import com.aicredits.TestApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/** Bad input on the admin's reads: summary, credit table, usage, forecast, histories and ledger, paging and filters. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadAdminReadInputTest extends BadInputTest {

    BadAdminReadInputTest() {
        super(BadAdminReadInputTest::cases);
    }

    static List<Case> cases(BadInputWorld w) {
        var t = w.t;
        var cases = new ArrayList<Case>();
        String credits = t.base + "/credits";

        // ---- GET /tenants/{tenantId}/credits/summary
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/summary", "summary", null, Map.of()));

        // ---- GET /tenants/{tenantId}/credits/users: q, role, state, sort, page, size
        String table = credits + "/users";
        cases.addAll(pagingCases(ADMIN, table, "credit table"));
        cases.add(c("credit table: sort by an unknown column", ADMIN, "GET", table + "?sort=password", null, 400,
                "VALIDATION_FAILED", "sort"));
        cases.add(c("credit table: sort direction sideways", ADMIN, "GET", table + "?sort=name,sideways", null, 400,
                "VALIDATION_FAILED", "sort"));
        cases.add(c("credit table: sort with only a direction", ADMIN, "GET", table + "?sort=,desc", null, 400,
                "VALIDATION_FAILED", "sort"));
        cases.add(c("credit table: SQL in sort", ADMIN, "GET", table + "?sort=name%3B%20drop%20table%20ledger_entries", null,
                400, "VALIDATION_FAILED", "sort"));
        cases.add(c("credit table: unknown role", ADMIN, "GET", table + "?role=Owner", null, 400, "VALIDATION_FAILED", "role"));
        cases.add(c("credit table: unknown state", ADMIN, "GET", table + "?state=broke", null, 400, "VALIDATION_FAILED", "state"));
        cases.add(c("credit table: search text with a NUL character", ADMIN, "GET", table + "?q=a%00b", null, 400,
                "VALIDATION_FAILED"));
        cases.add(c("credit table: a page number that is not UTF-8", ADMIN, "GET", table + "?page=%FF", null, 400,
                "VALIDATION_FAILED"));
        cases.add(c("credit table: search text of 201 characters", ADMIN, "GET", table + "?q=" + "q".repeat(201), null, 400,
                "VALIDATION_FAILED", "q"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/users", "credit table", null, Map.of()));

        // ---- GET /tenants/{tenantId}/credits/usage and /forecast: dates, interval, groupBy, userId, limit
        String usage = credits + "/usage";
        cases.add(c("usage: a from that is not a date", ADMIN, "GET", usage + "?from=yesterday", null, 400,
                "INVALID_DATE_RANGE", "from"));
        cases.add(c("usage: an impossible date", ADMIN, "GET", usage + "?to=2026-02-30", null, 400, "INVALID_DATE_RANGE", "to"));
        cases.add(c("usage: from after to", ADMIN, "GET", usage + "?from=2026-03-02&to=2026-03-01", null, 400,
                "INVALID_DATE_RANGE", "from"));
        cases.add(c("usage: a range of three years", ADMIN, "GET", usage + "?from=2024-01-01&to=2026-12-31", null, 400,
                "INVALID_DATE_RANGE", "to"));
        cases.add(c("usage: a year beyond 9999", ADMIN, "GET", usage + "?from=%2B100000-01-01", null, 400,
                "INVALID_DATE_RANGE", "from"));
        cases.add(c("usage: an hourly interval", ADMIN, "GET", usage + "?interval=hour", null, 400, "INVALID_INTERVAL", "interval"));
        cases.add(c("usage: grouped by password", ADMIN, "GET", usage + "?groupBy=password", null, 400, "INVALID_GROUP_BY",
                "groupBy"));
        cases.add(c("usage: limit 0", ADMIN, "GET", usage + "?limit=0", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("usage: limit 101", ADMIN, "GET", usage + "?limit=101", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("usage: limit not a number", ADMIN, "GET", usage + "?limit=ten", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("usage: a limit beyond int", ADMIN, "GET", usage + "?limit=99999999999999999999", null, 400,
                "VALIDATION_FAILED", "limit"));
        // %FF is no UTF-8: the admin's query is refused as unreadable; a consume key's, which the authorization rule
        // reads first to see whose usage it names, is refused there as naming nobody (it was Tomcat's error page).
        cases.add(c("usage: a query string that is not UTF-8", ADMIN, "GET", usage + "?from=%FF", null, 400,
                "VALIDATION_FAILED"));
        cases.add(c("usage: a query string that is not UTF-8, as a consume key", CONSUME, "GET", usage + "?from=%FF", null,
                403, "FORBIDDEN"));
        cases.add(c("usage: malformed userId", ADMIN, "GET", usage + "?userId=" + MALFORMED_UUID, null, 400,
                "VALIDATION_FAILED", "userId"));
        cases.add(c("usage: unknown userId", ADMIN, "GET", usage + "?userId=" + UNKNOWN_UUID, null, 404, "NOT_FOUND"));
        cases.add(c("usage: another tenant's userId", ADMIN, "GET", usage + "?userId=" + w.eve, null, 404, "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/usage", "usage", null, Map.of()));
        String forecast = credits + "/forecast";
        cases.add(c("forecast: limit 0", ADMIN, "GET", forecast + "?limit=0", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("forecast: limit 1001", ADMIN, "GET", forecast + "?limit=1001", null, 400, "VALIDATION_FAILED", "limit"));
        cases.add(c("forecast: malformed userId", ADMIN, "GET", forecast + "?userId=" + MALFORMED_UUID, null, 400,
                "VALIDATION_FAILED", "userId"));
        cases.add(c("forecast: another tenant's userId", ADMIN, "GET", forecast + "?userId=" + w.eve, null, 404, "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/forecast", "forecast", null, Map.of()));
        cases.add(c("credit table: unknown sort by runway spelling", ADMIN, "GET", table + "?sort=runs_out_on", null, 400,
                "VALIDATION_FAILED", "sort"));

        // ---- GET /tenants/{tenantId}/credits/assignable-users
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/assignable-users", "assignable users", null, Map.of()));

        // ---- GET /tenants/{tenantId}/credits/users/{userId}/entries
        String adaEntries = credits + "/users/" + w.ada + "/entries";
        cases.addAll(pagingCases(ADMIN, adaEntries, "user history"));
        cases.add(c("user history: malformed user id", ADMIN, "GET", credits + "/users/" + MALFORMED_UUID + "/entries", null,
                404, "NOT_FOUND"));
        cases.add(c("user history: unknown user id", ADMIN, "GET", credits + "/users/" + UNKNOWN_UUID + "/entries", null,
                404, "NOT_FOUND"));
        cases.add(c("user history: another tenant's user", ADMIN, "GET", credits + "/users/" + w.eve + "/entries", null,
                404, "NOT_FOUND"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/users/" + w.ada + "/entries", "user history", null, Map.of()));

        // ---- GET /tenants/{tenantId}/credits/entries: type, userId, page, size
        String ledgerPath = credits + "/entries";
        cases.addAll(pagingCases(ADMIN, ledgerPath, "ledger"));
        cases.add(c("ledger: unknown type", ADMIN, "GET", ledgerPath + "?type=REFUND", null, 400, "VALIDATION_FAILED", "type"));
        cases.add(c("ledger: malformed user id filter", ADMIN, "GET", ledgerPath + "?userId=" + MALFORMED_UUID, null, 400,
                "VALIDATION_FAILED", "userId"));
        cases.addAll(tenantIdCases(PLATFORM, "GET", "/credits/entries", "ledger", null, Map.of()));
        return cases;
    }
}
