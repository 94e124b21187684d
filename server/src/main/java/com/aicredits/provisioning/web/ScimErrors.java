package com.aicredits.provisioning.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * What goes wrong around the SCIM endpoints (a body that cannot be read, the database out of reach, a bug)
 * is answered as a SCIM error, like every refusal there, and before the API's problem-detail handling.
 */
@RestControllerAdvice(assignableTypes = {ScimController.class, ScimDiscovery.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class ScimErrors {

    private static final Logger log = LoggerFactory.getLogger(ScimErrors.class);

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<String> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            // BodySizeLimit's counting stream gave up: the body is over the limit.
            if (cause.getClass().getSimpleName().equals("BodyTooLarge")) {
                return ScimResponses.error(413, null, cause.getMessage());
            }
        }
        return ScimResponses.error(400, "invalidSyntax", "the body cannot be read");
    }

    @ExceptionHandler({CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class,
            DataAccessResourceFailureException.class, TransientDataAccessResourceException.class, QueryTimeoutException.class})
    ResponseEntity<String> databaseUnreachable(RuntimeException e) {
        return ScimResponses.error(503, null, "the service cannot reach its database; retry later");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> bug(Exception e) {
        log.error("SCIM request failed", e);
        return ScimResponses.error(500, null, "internal error");
    }
}
