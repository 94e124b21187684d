package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.aicredits.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.springframework.core.io.ClassPathResource;

/**
 * An authorization matrix file ({@code authorization-matrix.csv} for the API, {@code page-authorization-matrix.csv}
 * for the web UI's pages): one row per endpoint, one column per kind of caller, each cell the status that caller gets.
 */
final class Matrix {

    private Matrix() {
    }

    /** {@code expected}: caller → status, in the file's column order. */
    record Row(String method, String path, Map<String, Integer> expected) {
    }

    /** A well-formed request for a row, made by the matrix's test on fresh state. */
    record Request(String path, Object body, Map<String, String> headers) {
    }

    /**
     * One test per cell of the file: the row's request, prepared afresh, sent as the column's caller, answers the
     * cell's status; {@code alsoCheck} adds what a matrix checks of every answer besides.
     */
    static Stream<DynamicTest> cells(String file, Map<String, ApiClient> callers, Function<Row, Request> prepare,
            BiConsumer<Row, ApiClient.Response> alsoCheck) {
        List<DynamicTest> tests = new ArrayList<>();
        for (var row : rows(file)) {
            row.expected().forEach((caller, expected) -> tests.add(
                    dynamicTest(row.method() + " " + row.path() + " as " + caller + " → " + expected, () -> {
                        var request = prepare.apply(row);
                        var response = callers.get(caller)
                                .send(row.method(), request.path(), request.body(), request.headers());
                        assertThat(response.status()).as(row.method() + " " + row.path() + " as " + caller + ": "
                                + response.header("Location") + " " + abbreviated(response.text())).isEqualTo(expected);
                        alsoCheck.accept(row, response);
                    })));
        }
        return tests.stream();
    }

    private static String abbreviated(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    static List<Row> rows(String file) {
        try {
            var lines = new ClassPathResource(file).getContentAsString(StandardCharsets.UTF_8)
                    .lines().filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
            var header = Arrays.asList(lines.getFirst().split(","));
            var callers = header.subList(2, header.size());
            return lines.stream().skip(1).map(line -> {
                var cells = line.split(",");
                var expected = new LinkedHashMap<String, Integer>();
                for (int i = 0; i < callers.size(); i++) {
                    expected.put(callers.get(i), Integer.parseInt(cells[i + 2].strip()));
                }
                return new Row(cells[0].strip(), cells[1].strip(), expected);
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every kind of caller the matrices name, as one client each for the whole matrix: a session signed in once is
     * what a browser keeps, and signing in again for each of the 800 cases cost a password hash each. The tenant
     * {@code t} must have Ada Admin, Pat Planner and Vic Viewer registered.
     */
    static Map<String, ApiClient> callers(HttpFixture t, HttpFixture other) {
        int port = t.port;
        var revokedKey = t.issue("admin");
        assertThat(t.platform.delete(t.base + "/api-keys/" + revokedKey.id()).status()).isEqualTo(204);
        other.user("Oscar Other", "Admin");

        var clients = new HashMap<String, ApiClient>();
        clients.put("platform", t.platform);
        clients.put("adminKey", t.admin());
        clients.put("consumeKey", t.consumer());
        clients.put("adminSession", t.session("Ada Admin"));
        clients.put("plannerSession", t.session("Pat Planner"));
        clients.put("viewerSession", t.session("Vic Viewer"));
        clients.put("anonymous", ApiClient.anonymous(port));
        clients.put("badKey", ApiClient.bearer(port, "aic_" + t.tenant.replace("-", "") + "_not-a-real-secret"));
        clients.put("revokedKey", ApiClient.bearer(port, revokedKey.key()));
        clients.put("otherTenant", other.admin());
        clients.put("otherTenantSession", other.session("Oscar Other"));
        clients.put("deactivatedSession", formerAdmin(t, Map.of("active", false)));
        clients.put("demotedSession", formerAdmin(t, Map.of("role", "Viewer")));
        clients.put("scimKey", ApiClient.bearer(port, t.key("scim")));
        return clients;
    }

    /** A session an Admin opened before this change was made to them (through the platform key). */
    private static ApiClient formerAdmin(HttpFixture t, Map<String, Object> change) {
        String name = "Former " + UUID.randomUUID().toString().substring(0, 8);
        String id = t.user(name, "Admin");
        var session = t.session(name);
        assertThat(t.platform.patch(t.base + "/users/" + id, change).status()).isEqualTo(200);
        return session;
    }
}
