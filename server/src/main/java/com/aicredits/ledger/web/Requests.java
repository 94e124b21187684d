package com.aicredits.ledger.web;

import com.aicredits.api.Limits;
import com.aicredits.api.Problems;
import com.aicredits.api.Refusals;
import com.aicredits.shared.Credits;
import java.math.BigDecimal;
import org.springframework.http.ResponseEntity;

/** Reading the parts of a request the controllers share: amounts, paging, and what identifies a request. */
final class Requests {

    private Requests() {
    }

    /** An amount read from the body: the credits, or the problem to answer with. */
    record Amount(Credits credits, ResponseEntity<Object> problem) {
    }

    static Amount amount(String field, BigDecimal value, boolean zeroAllowed) {
        if (value == null) {
            return new Amount(null, Problems.invalid(field, field + " is required"));
        }
        var entered = zeroAllowed ? Credits.parseCost(value) : Credits.parse(value);
        return switch (entered) {
            case Credits.Entered.Valid valid -> new Amount(valid.credits(), null);
            case Credits.Entered.Invalid invalid ->
                    new Amount(null, Refusals.invalidAmount(field, invalid.message().replaceFirst("^(credits|cost)", field)));
        };
    }

    /** Null when paging is acceptable, else the problem. */
    static ResponseEntity<Object> badPage(int page, int size) {
        if (page < 0) {
            return Problems.invalid("page", "page starts at 0");
        }
        if (size < 1 || size > Limits.MAX_PAGE_SIZE) {
            return Problems.invalid("size", "size is between 1 and " + Limits.MAX_PAGE_SIZE);
        }
        return null;
    }
}
