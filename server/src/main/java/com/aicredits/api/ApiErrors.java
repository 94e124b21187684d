package com.aicredits.api;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingPathVariableException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns the framework's exceptions about malformed requests into specific problem details, so bad input
 * never surfaces as a 500. Anything unexpected is logged and answered with a generic 500 that leaks nothing.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
    /** Fields that hold amounts: malformed values there are INVALID_AMOUNT, not VALIDATION_FAILED. */
    private static final Set<String> AMOUNT_FIELDS = Set.of("credits", "cost", "estimate");
    /** PostgreSQL's SQLSTATE for text the database encoding cannot hold (a NUL character, for UTF-8). */
    private static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";
    /** Spring Security's StrictHttpFirewall names the header it refused like this. */
    private static final java.util.regex.Pattern REJECTED_HEADER = java.util.regex.Pattern.compile("the header: \"([^\"]*)\"");
    /** Jackson's message for a repeated field under STRICT_DUPLICATE_DETECTION (2.x and 3.x wordings). */
    private static final java.util.regex.Pattern DUPLICATE_FIELD =
            java.util.regex.Pattern.compile("Duplicate (?:Object property|field) [\"']([^\"']*)[\"']");

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e) {
        // A chunked body that outgrows the limit surfaces wrapped in Jackson's I/O exception: look for it first.
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodySizeLimit.BodyTooLarge) {
                return Problems.response(HttpStatus.CONTENT_TOO_LARGE, "BODY_TOO_LARGE", cause.getMessage());
            }
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonConventions.UnstorableText text && !text.getPath().isEmpty()) {
                var at = FieldAt.of(text);
                return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", at.named() + " " + text.rule, at.extra());
            }
            if (cause instanceof StreamReadException read && read.getMessage() != null) {
                var duplicate = DUPLICATE_FIELD.matcher(read.getMessage());
                if (duplicate.find()) {
                    return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED",
                            "field '" + duplicate.group(1) + "' appears more than once", Map.of("fields", List.of(duplicate.group(1))));
                }
            }
            if (cause instanceof UnrecognizedPropertyException unknown) {
                return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED",
                        "unknown field '" + unknown.getPropertyName() + "'", Map.of("fields", List.of(unknown.getPropertyName())));
            }
            if (cause instanceof DatabindException bind && !bind.getPath().isEmpty()) {
                var at = FieldAt.of(bind);
                if (AMOUNT_FIELDS.contains(at.field())) {
                    return Problems.response(HttpStatus.BAD_REQUEST, "INVALID_AMOUNT",
                            at.field() + " must be a number with at most three decimals", at.extra());
                }
                return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", at.named() + " has the wrong type",
                        at.extra());
            }
            if (cause instanceof MismatchedInputException root && root.getPath().isEmpty()) {
                // Well-formed JSON of another shape ([], "text", 7), or an object followed by more.
                return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "the body must be a single JSON object");
            }
            if (cause instanceof JacksonException) {
                return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "the body is not valid JSON");
            }
        }
        return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "a JSON body is required");
    }

    /**
     * Where in the body Jackson failed, as a problem names it: the nearest named field ({@code ids} for an element of
     * {@code {"ids": ["zzz"]}}, whose own path step has no name), and in a list the index of the first element on the
     * way (a bulk change's row, the element of {@code ids}), given as {@code index} next to {@code fields}.
     */
    private record FieldAt(String field, Integer index) {

        static FieldAt of(DatabindException e) {
            String field = null;
            Integer index = null;
            for (var step : e.getPath()) {
                if (step.getPropertyName() != null) {
                    field = step.getPropertyName();
                } else if (step.getIndex() >= 0 && index == null) {
                    index = step.getIndex();
                }
            }
            return new FieldAt(String.valueOf(field), index);
        }

        String named() {
            return index == null ? "field '" + field + "'" : "field '" + field + "' (item " + index + ")";
        }

        Map<String, Object> extra() {
            var extra = new java.util.LinkedHashMap<String, Object>(Map.of("fields", List.of(field)));
            if (index != null) {
                extra.put("index", index);
            }
            return extra;
        }
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> mismatch(MethodArgumentTypeMismatchException e) {
        if (malformedPathId(e)) {
            return Problems.notFound(e.getName());
        }
        return Problems.invalid(e.getName(), "parameter '" + e.getName() + "' has an invalid value");
    }

    @ExceptionHandler(MissingPathVariableException.class)
    ResponseEntity<Object> pathVariableConvertedToNull(MissingPathVariableException e) throws MissingPathVariableException {
        if (!malformedPathId(e)) {
            throw e;
        }
        return Problems.notFound(e.getVariableName());
    }

    /**
     * A malformed id in the path names nothing that exists: 404, like an unknown one ({@link PageErrors} shows a
     * person the same page). That includes a path id that converts to nothing (a NUL or blank segment where a UUID
     * goes). A malformed query parameter is a bad request; a template variable missing altogether would be a bug
     * in a mapping, which stays a 500.
     */
    static boolean malformedPathId(Exception e) {
        return e instanceof MethodArgumentTypeMismatchException mismatch
                && mismatch.getParameter().hasParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class)
                || e instanceof MissingPathVariableException missing && missing.isMissingAfterConversion();
    }

    /** A query parameter Tomcat cannot decode (e.g. {@code %FF}, which is no UTF-8): the caller's mistake. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> undecodableParameter(InvalidParameterException e) {
        var status = HttpStatus.resolve(e.getErrorCode());
        if (status == null || !status.is4xxClientError()) {
            status = HttpStatus.BAD_REQUEST;
        }
        return Problems.response(status, status == HttpStatus.BAD_REQUEST ? "VALIDATION_FAILED" : status.name(),
                "the query parameters cannot be read (percent-encoded bytes must be UTF-8)");
    }

    /**
     * A header value the firewall refuses when it is read (control characters, as the UTF-8 bytes of a
     * non-ASCII Idempotency-Key become when read as ISO-8859-1): the caller's mistake, not a 500.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<Object> rejectedHeader(RequestRejectedException e) {
        var header = REJECTED_HEADER.matcher(String.valueOf(e.getMessage()));
        if (header.find()) {
            String name = header.group(1).strip();
            return Problems.invalid(name, "header " + name + " has characters that are not allowed (printable ASCII only)");
        }
        return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "the request has characters that are not allowed");
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<Object> missingHeader(MissingRequestHeaderException e) {
        return Problems.invalid(e.getHeaderName(), "header " + e.getHeaderName() + " is required");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Object> missingParameter(MissingServletRequestParameterException e) {
        return Problems.invalid(e.getParameterName(), "parameter " + e.getParameterName() + " is required");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Object> mediaType(HttpMediaTypeNotSupportedException e) {
        var supported = e.getSupportedMediaTypes().stream().map(Object::toString).distinct().toList();
        return Problems.response(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                "send " + (supported.isEmpty() ? "application/json" : String.join(" or ", supported)));
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<Object> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return Problems.response(HttpStatus.NOT_ACCEPTABLE, "NOT_ACCEPTABLE", "responses are application/json");
    }

    /** With the exception's headers: Allow, the methods the path does take, which a 405 must name (RFC 9110 §15.5.6). */
    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Object> method(HttpRequestMethodNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).headers(e.getHeaders())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.problem(HttpStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", e.getMessage()));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Object> noResource(NoResourceFoundException e) {
        return Problems.response(HttpStatus.NOT_FOUND, "NOT_FOUND", "no such endpoint");
    }

    /**
     * The database is unreachable: say so quickly, and let the caller retry with the same key. A transaction
     * that cannot begin, or whose commit or rollback fails with the connection, is the same failure seen by the
     * transaction manager (a failed rollback even hides the original I/O error); its outcome is for the retry to
     * find out, which the idempotency keys and request ids make safe. (The classes of shared.DatabaseAway, which an
     * annotation cannot call.)
     */
    @ExceptionHandler({CannotGetJdbcConnectionException.class, DataAccessResourceFailureException.class,
            TransientDataAccessResourceException.class, QueryTimeoutException.class,
            CannotCreateTransactionException.class, TransactionSystemException.class})
    ResponseEntity<Object> databaseDown(Exception e) {
        log.warn("database unavailable: {}", e.getMessage());
        return Problems.response(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE",
                "the service cannot reach its database; retry with the same Idempotency-Key or requestId");
    }

    /**
     * A change PostgreSQL rolled back to break a deadlock, again on every try the ledger made (see its LockConflicts):
     * nothing was applied, and the same call may be retried.
     */
    @ExceptionHandler(PessimisticLockingFailureException.class)
    ResponseEntity<Object> lockConflict(PessimisticLockingFailureException e) {
        log.warn("a change lost to concurrent ones on every try: {}", e.getMessage());
        return Problems.response(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE",
                "the change met concurrent changes and was not applied; retry with the same Idempotency-Key or requestId");
    }

    /** A limit the service keeps on purpose, e.g. batch calls applied at once: retry later, nothing was applied. */
    @ExceptionHandler(Busy.class)
    ResponseEntity<Object> busy(Busy e) {
        return Problems.response(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", e.getMessage());
    }

    /**
     * Text PostgreSQL cannot store (U+0000) that came some other way than a JSON string, e.g. a search
     * query parameter: the statement failed as a whole, so nothing changed, and the caller sent it.
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> dataIntegrity(DataIntegrityViolationException e) throws Exception {
        if (e.getMostSpecificCause() instanceof SQLException sql && CHARACTER_NOT_IN_REPERTOIRE.equals(sql.getSQLState())) {
            return Problems.response(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED",
                    "text must not contain the NUL character (U+0000)");
        }
        return unexpected(e);
    }

    /** The client went away (a closed tab ends its event stream): nothing to answer, nothing wrong. */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone() {
    }

    /**
     * A screen's own "no such thing" (an unknown id, or one of another tenant): the status it asked for, never
     * the 500 below, and no ERROR in the log.
     */
    @ExceptionHandler(org.springframework.web.server.ResponseStatusException.class)
    ResponseEntity<Object> statusOf(org.springframework.web.server.ResponseStatusException e) {
        return e.getStatusCode().value() == 404 ? Problems.notFound("resource")
                : Problems.response(e.getStatusCode(), HttpStatus.valueOf(e.getStatusCode().value()).name(),
                        e.getReason() == null ? HttpStatus.valueOf(e.getStatusCode().value()).getReasonPhrase() : e.getReason());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) throws Exception {
        if (e instanceof org.springframework.security.access.AccessDeniedException
                || e instanceof org.springframework.security.core.AuthenticationException) {
            throw e; // Spring Security answers these itself (401/403/404)
        }
        log.error("unexpected error", e);
        return Problems.response(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "an unexpected error occurred");
    }
}
