package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.directory.Directory;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.UserId;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the batch charge tests share ({@link ChargeBatchTest}, {@link ChargeBatchRaceTest}): short ways to build an
 * item, take a batch's outcomes and show each as the API does, and count a tenant's rows. Subclasses carry
 * {@code @TestApplication}.
 */
abstract class ChargeBatchContext {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired JdbcClient jdbc;

    static ChargeItem item(String request, UserId user, String cost) {
        return new ChargeItem(new RequestId(request), user, "canvas",
                ((Credits.Entered.Valid) Credits.parseCost(new java.math.BigDecimal(cost))).credits());
    }

    static List<Outcome<Settled>> done(Outcome<List<Outcome<Settled>>> batch) {
        assertThat(batch).isInstanceOf(Outcome.Done.class);
        return batch.orElseThrow();
    }

    /** An outcome as the API shows it: SETTLED cost remaining, or the refusal's code and message. */
    static String shown(Outcome<Settled> outcome) {
        return switch (outcome) {
            case Outcome.Done<Settled>(var s) -> s.requestId() + " SETTLED " + s.cost() + " " + s.remaining();
            case Refused<Settled> r -> "REFUSED " + r.reason() + " " + r.message() + " " + r.limit();
        };
    }

    long count(LedgerFixture t, String sql) {
        return jdbc.sql(sql).param("tenant", t.tenant.value()).query(Long.class).single();
    }
}
