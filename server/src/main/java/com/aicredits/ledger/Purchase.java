package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import java.time.Instant;
import java.util.UUID;

/** Credits bought into a tenant's pool, with the order it came from. */
public record Purchase(UUID id, Credits credits, String reference, String note, String actor, Instant createdAt) {
}
