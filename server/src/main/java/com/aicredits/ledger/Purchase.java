package com.aicredits.ledger;

import java.time.Instant;

/** Credits bought into a tenant's pool, with the order it came from. */
public record Purchase(long id, Credits credits, String reference, String note, String actor, Instant createdAt) {
}
