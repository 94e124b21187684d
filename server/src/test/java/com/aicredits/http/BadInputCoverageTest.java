package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;

/** Every endpoint of {@code authorization-matrix.csv} has bad-input cases in one of the areas of {@link BadInputTest}. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCoverageTest extends BadInputCases {

    @LocalServerPort int port;

    /** The areas, one subclass of {@link BadInputTest} each. */
    private static final List<Function<BadInputWorld, List<Case>>> AREAS = List.of(
            BadTenantInputTest::cases,
            BadUserInputTest::cases,
            BadAdminReadInputTest::cases,
            BadAllocationInputTest::cases,
            BadConsumptionInputTest::cases,
            BadWebhookInputTest::cases,
            BadCreditRequestInputTest::cases,
            BadSettingsInputTest::cases);

    /** Endpoints with no input at all: nothing to malform. */
    /** Endpoints that take no path ids, query parameters or body: nothing to malform. */
    private static final Set<String> INPUTLESS = Set.of("GET /api/v1/tenants", "GET /api/v1/reconciliation");

    @Test
    void every_endpoint_of_the_authorization_matrix_has_bad_input_cases() throws IOException {
        var world = new BadInputWorld(port);
        var cases = AREAS.stream().flatMap(area -> area.apply(world).stream()).toList();
        var uncovered = new TreeSet<String>();
        new ClassPathResource("authorization-matrix.csv").getContentAsString(StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.startsWith("method,"))
                .map(line -> line.split(",")[0] + " " + line.split(",")[1])
                .filter(endpoint -> !INPUTLESS.contains(endpoint))
                // The SCIM endpoints answer SCIM error bodies, not problems: their bad input is ScimBadInputTest's.
                .filter(endpoint -> !endpoint.contains(" /scim/"))
                .forEach(endpoint -> {
                    var pattern = java.util.regex.Pattern.compile(endpoint.replaceAll("\\{[^}]+}", "[^/]+"));
                    if (cases.stream().noneMatch(k -> pattern.matcher(k.method() + " " + k.path().replaceFirst("\\?.*$", ""))
                            .matches())) {
                        uncovered.add(endpoint);
                    }
                });
        assertThat(uncovered).as("endpoints without bad-input cases").isEmpty();
    }
}
