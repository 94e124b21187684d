package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The web UI's pages × every kind of caller, from {@code page-authorization-matrix.csv}, as {@link
 * AuthorizationMatrixTest} does for the API: each cell one request on fresh state, its status checked. A second test
 * keeps the file honest: it lists exactly the endpoints the application maps under the pages named in {@link #PAGES}.
 */
@TestApplication
class PageAuthorizationMatrixTest {

    private static final String FILE = "page-authorization-matrix.csv";
    /** The pages this matrix covers: every endpoint under each must be a row. */
    private static final List<String> PAGES = List.of("/app/tenants/{tenantId}/settings/sign-in");
    private static final Map<String, String> FORM = Map.of("Content-Type", "application/x-www-form-urlencoded");
    /** A loopback port nothing listens on: the provider check fails at once (connection refused). */
    private static final String UNREACHABLE_ISSUER = "http://127.0.0.1:1";

    @LocalServerPort int port;
    @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings;

    @TestFactory
    Stream<DynamicTest> each_caller_gets_the_status_the_page_matrix_says_on_each_endpoint() {
        var t = new HttpFixture(port);
        var other = new HttpFixture(port);
        t.user("Pat Planner", "Planner");
        t.user("Vic Viewer", "Viewer");
        t.user("Ada Admin", "Admin");
        return Matrix.cells(FILE, Matrix.callers(t, other), row -> prepare(t, row), (row, response) -> { });
    }

    /** A well-formed request for the row, on fresh state where the call would change something. */
    private Matrix.Request prepare(HttpFixture t, Matrix.Row row) {
        String path = row.path().replace("{tenantId}", t.tenant);
        return switch (row.method() + " " + row.path().replaceFirst("^/app/tenants/\\{tenantId}/settings/sign-in", "")) {
            case "GET ", "GET /sso/off" -> new Matrix.Request(path, null, Map.of());
            case "GET /provider" -> {
                connect(t);
                yield new Matrix.Request(path, null, Map.of());
            }
            case "POST /sso" -> new Matrix.Request(path, "issuer=" + UNREACHABLE_ISSUER + "&clientId=matrix&clientSecret=matrix-secret"
                    + "&jitRole=Viewer", FORM);
            case "POST /sso/off" -> {
                connect(t);
                yield new Matrix.Request(path, "", FORM);
            }
            case "POST /scim-tokens" -> new Matrix.Request(path, "name=matrix-" + UUID.randomUUID(), FORM);
            case "GET /scim-tokens/{keyId}/revoke" -> new Matrix.Request(path.replace("{keyId}", t.issue("scim").id()), null, Map.of());
            case "POST /scim-tokens/{keyId}/revoke" -> new Matrix.Request(path.replace("{keyId}", t.issue("scim").id()), "", FORM);
            default -> throw new IllegalStateException("no request recipe for " + row.method() + " " + row.path());
        };
    }

    private static void connect(HttpFixture t) {
        var response = t.platform.send("PUT", t.base + "/sso", Map.of("issuer", UNREACHABLE_ISSUER, "clientId", "matrix",
                "clientSecret", "matrix-secret"), Map.of());
        assertThat(response.status()).as(response.text()).isEqualTo(200);
    }

    @Test
    void the_page_matrix_lists_exactly_the_endpoints_of_its_pages() {
        var mapped = new TreeSet<String>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(path -> PAGES.stream().anyMatch(page -> path.equals(page) || path.startsWith(page + "/")))
                .forEach(path -> info.getMethodsCondition().getMethods()
                        .forEach(method -> mapped.add(method.name() + " " + path))));
        var listed = new TreeSet<String>();
        Matrix.rows(FILE).forEach(row -> listed.add(row.method() + " " + row.path()));
        assertThat(listed).as("rows of " + FILE).isEqualTo(mapped);
    }
}
