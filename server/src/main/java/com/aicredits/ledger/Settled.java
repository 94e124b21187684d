package com.aicredits.ledger;

import com.aicredits.shared.Credits;





/** A request's whole cost recorded as consumed; {@code remaining} is the user's balance right after, possibly negative. */
public record Settled(RequestId requestId, Credits cost, Credits remaining, boolean replayed) {
}
