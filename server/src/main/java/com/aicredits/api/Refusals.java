package com.aicredits.api;

import com.aicredits.shared.Credits;
import com.aicredits.shared.Refused;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** The HTTP face of every module's refusals: one status per reason (the error table of docs/api-contract.md). */
public final class Refusals {

    private Refusals() {
    }

    /** {@code consumption}: NO_ALLOCATION is 402 when starting an AI request, 409 for an admin's add or remove. */
    /** A refusal's message ("only 5 credits are unassigned") as a screen says it: capital first, a full stop last. */
    public static String sentence(String message) {
        return Character.toUpperCase(message.charAt(0)) + message.substring(1) + (message.endsWith(".") ? "" : ".");
    }

    public static ResponseEntity<Object> response(Refused<?> refused, boolean consumption) {
        HttpStatus status = switch (refused.reason()) {
            case INVALID_AMOUNT, VALIDATION_FAILED, INVALID_TIME_ZONE, INVALID_PERIOD, INVALID_MODE, UNSAFE_WEBHOOK_URL,
                    INVALID_DATE_RANGE, INVALID_INTERVAL, INVALID_GROUP_BY, INVALID_ISSUER -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case EMAIL_TAKEN -> HttpStatus.CONFLICT;
            case NO_ALLOCATION -> consumption ? HttpStatus.PAYMENT_REQUIRED : HttpStatus.CONFLICT;
            case CREDITS_EXHAUSTED -> HttpStatus.PAYMENT_REQUIRED;
            case TOO_MANY_IN_FLIGHT -> HttpStatus.TOO_MANY_REQUESTS;
            case IDEMPOTENCY_KEY_REUSED, REQUEST_ID_REUSED -> HttpStatus.UNPROCESSABLE_CONTENT;
            case USER_INACTIVE, INSUFFICIENT_UNASSIGNED, EXCEEDS_REMOVABLE, CREDITS_HELD, ALREADY_ASSIGNED,
                    ALREADY_SETTLED, ALREADY_VOIDED, REQUEST_EXPIRED, REQUEST_PENDING, REQUEST_CLOSED -> HttpStatus.CONFLICT;
        };
        return Problems.response(status, refused.reason().name(), refused.message(), extra(refused));
    }

    /** The figure the caller needs to correct the request, under a name that says what it is. */
    private static Map<String, Object> extra(Refused<?> refused) {
        if (refused.field() != null) {
            return Map.of("fields", List.of(refused.field()));
        }
        Credits limit = refused.limit();
        if (limit == null) {
            return Map.of();
        }
        return switch (refused.reason()) {
            case INSUFFICIENT_UNASSIGNED -> Map.of("unassigned", limit.toBigDecimal());
            case EXCEEDS_REMOVABLE -> Map.of("removable", limit.toBigDecimal());
            case CREDITS_EXHAUSTED -> Map.of("available", limit.toBigDecimal());
            default -> Map.of();
        };
    }

    public static ResponseEntity<Object> invalidAmount(String field, String message) {
        return Problems.response(HttpStatus.BAD_REQUEST, "INVALID_AMOUNT", message, Map.of("fields", List.of(field)));
    }
}
