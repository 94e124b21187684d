package com.aicredits.api;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Builds RFC 9457 problem details that always carry a machine-readable {@code code}. */
public final class Problems {

    private Problems() {
    }

    public static ProblemDetail problem(HttpStatusCode status, String code, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (status instanceof HttpStatus known) {
            problem.setTitle(known.getReasonPhrase());
        }
        if (code != null) {
            problem.setProperty("code", code);
        }
        return problem;
    }

    public static ResponseEntity<Object> response(HttpStatusCode status, String code, String detail) {
        return response(status, code, detail, Map.of());
    }

    /** {@code extra} adds fields a client needs to correct its request, e.g. {@code unassigned} or {@code fields}. */
    public static ResponseEntity<Object> response(HttpStatusCode status, String code, String detail,
            Map<String, ?> extra) {
        var problem = problem(status, code, detail);
        extra.forEach(problem::setProperty);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    public static ResponseEntity<Object> notFound(String what) {
        return response(HttpStatus.NOT_FOUND, "NOT_FOUND", what + " not found");
    }

    public static ResponseEntity<Object> invalid(String field, String detail) {
        return response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", detail, Map.of("fields", java.util.List.of(field)));
    }
}
