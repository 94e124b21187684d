package com.aicredits.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How a round of one tenant's concurrent admissions (group commit, the batch endpoint) is applied: by one set-based
 * statement, the fastest on plain PostgreSQL, or item by item through the single call's functions, which Citus keeps
 * on the tenant's worker with a one-phase commit (V38__rounds_item_by_item.sql). Both take the same locks, decide each
 * item by the same rule and answer the same rows. {@code aicredits.ledger.rounds}: {@code auto} (item by item where
 * the database has the Citus extension, read once at start-up), {@code set} or {@code items}.
 */
@Component
class RoundShape {

    private static final Logger log = LoggerFactory.getLogger(RoundShape.class);

    private final boolean itemByItem;

    RoundShape(JdbcClient jdbc, @Value("${aicredits.ledger.rounds:auto}") String rounds) {
        this.itemByItem = switch (rounds) {
            case "set" -> false;
            case "items" -> true;
            case "auto" -> jdbc.sql("select exists (select 1 from pg_extension where extname = 'citus')")
                    .query(Boolean.class).single();
            default -> throw new IllegalArgumentException(
                    "aicredits.ledger.rounds is auto, set or items, not '" + rounds + "'");
        };
        if (itemByItem) {
            log.info("Rounds of admissions are applied item by item (aicredits.ledger.rounds={})", rounds);
        }
    }

    /** The statement for this database: {@code setBased} or {@code itemByItem}, which take the same parameters. */
    String pick(String setBased, String itemByItem) {
        return this.itemByItem ? itemByItem : setBased;
    }
}
