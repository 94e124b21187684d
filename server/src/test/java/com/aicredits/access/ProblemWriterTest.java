package com.aicredits.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The refusals the security filters write themselves, before any controller or message converter. */
class ProblemWriterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String DETAIL = "Zoë's key may not spend € here";

    private final ProblemWriter writer = new ProblemWriter(JSON);

    @Test
    void a_problem_is_written_in_utf_8_and_says_so() throws Exception {
        var response = write("/api/v1/tenants", 403);

        assertThat(response.getContentType()).isEqualTo("application/problem+json;charset=UTF-8");
        assertThat(body(response).path("detail").asString()).isEqualTo(DETAIL);
    }

    @Test
    void a_scim_error_is_written_in_utf_8_and_says_so() throws Exception {
        var response = write("/scim/v2/Users", 401);

        assertThat(response.getContentType()).isEqualTo("application/scim+json;charset=UTF-8");
        assertThat(body(response).path("detail").asString()).isEqualTo(DETAIL);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    }

    private MockHttpServletResponse write(String path, int status) throws Exception {
        var response = new MockHttpServletResponse();
        writer.write(new MockHttpServletRequest("GET", path), response, status, "FORBIDDEN", DETAIL);
        return response;
    }

    /** Read as a client reads JSON: the bytes as UTF-8, whatever the response thinks its encoding is. */
    private static JsonNode body(MockHttpServletResponse response) {
        return JSON.readTree(new String(response.getContentAsByteArray(), StandardCharsets.UTF_8));
    }
}
