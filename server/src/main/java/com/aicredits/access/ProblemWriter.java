package com.aicredits.access;

import com.aicredits.api.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Writes 401/403/404/503 problem details from inside the security filters, where no controller advice runs. */
@Component
class ProblemWriter {

    private final JsonMapper json;

    ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    void write(HttpServletRequest request, HttpServletResponse response, int status, String code, String detail)
            throws IOException {
        if (isScim(request)) {
            writeScim(response, status, detail);
            return;
        }
        var problem = Problems.problem(HttpStatus.valueOf(status), code, detail);
        try {
            problem.setInstance(java.net.URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException malformed) {
            // The path itself is what was wrong (a URL the firewall refused): the problem goes without it.
        }
        start(response, status, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // Written without closing or flushing: the response is sent when the request completes, after the
        // audit trail has recorded the refusal.
        response.getWriter().write(json.writeValueAsString(problem));
    }

    /** SCIM clients (Entra ID, Okta) expect RFC 7644 error bodies, not problem details, on the SCIM paths. */
    static boolean isScim(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return uri != null && (uri.equals("/scim/v2") || uri.startsWith("/scim/v2/"));
    }

    private void writeScim(HttpServletResponse response, int status, String detail) throws IOException {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("schemas", java.util.List.of("urn:ietf:params:scim:api:messages:2.0:Error"));
        // RFC 7644 §3.12 writes the status as a string.
        body.put("status", String.valueOf(status));
        body.put("detail", status == 403 ? "only the tenant's scim key may use the SCIM endpoints" : detail);
        start(response, status, "application/scim+json");
        response.getWriter().write(json.writeValueAsString(body));
    }

    /**
     * The writer must be UTF-8, the encoding JSON is read in: without a charset the servlet container writes
     * ISO-8859-1 and says so in the Content-Type, and any character outside it would arrive garbled or as '?'.
     */
    private static void start(HttpServletResponse response, int status, String contentType) {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setCharacterEncoding(StandardCharsets.UTF_8);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
    }
}
