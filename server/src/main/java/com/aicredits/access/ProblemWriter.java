package com.aicredits.access;

import com.aicredits.api.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
        var problem = Problems.problem(HttpStatus.valueOf(status), code, detail);
        try {
            problem.setInstance(java.net.URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException malformed) {
            // The path itself is what was wrong (a URL the firewall refused): the problem goes without it.
        }
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        // Written without closing or flushing: the response is sent when the request completes, after the
        // audit trail has recorded the refusal.
        response.getWriter().write(json.writeValueAsString(problem));
    }
}
