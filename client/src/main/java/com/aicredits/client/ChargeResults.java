package com.aicredits.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reads the answer of {@code POST /consumption/charges}: one outcome per item, in the order sent. */
final class ChargeResults {

    private ChargeResults() {
    }

    static List<SettleOutcome> of(JsonNode results) {
        var outcomes = new ArrayList<SettleOutcome>(results.size());
        for (JsonNode r : results) {
            String requestId = r.get("requestId").asString();
            if ("SETTLED".equals(r.get("status").asString())) {
                // the batch answer does not say whether an item was a repeat: replayed is false for every item
                outcomes.add(new Settled(requestId, r.get("cost").decimalValue(), r.get("remaining").decimalValue(), false));
            } else {
                String code = r.path("code").asString("OTHER");
                outcomes.add(new Refused(Refused.Reason.of(code), code, r.path("detail").asString(""), null));
            }
        }
        return Collections.unmodifiableList(outcomes);
    }

    /** A batch refused as a whole (malformed, nothing applied): every item answers that refusal. */
    static List<SettleOutcome> allRefused(Refused refused, int items) {
        return Collections.nCopies(items, refused);
    }
}
