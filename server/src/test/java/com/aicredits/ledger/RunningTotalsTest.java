package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The summary's running totals (V32__totals_without_waits.sql) never make a writer wait while a slot of its tenant is
 * free: a charge and a batch go through while another transaction holds 127 of the tenant's 128 slots (as writers
 * hold them), and the totals still add up. Before V32 each user counted in a slot of its own, and a charge waited for whoever held that slot
 * (a batch of 100 charges held about 70 of them until it committed).
 */
@TestApplication
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RunningTotalsTest extends ChargeBatchContext {

    @Autowired DataSource dataSource;

    @Test
    void writers_go_through_while_another_transaction_holds_all_but_one_slot() throws Exception {
        var t = new LedgerFixture(ledger, directory).purchased("100");
        var ada = t.user("Ada Lovelace");
        var bob = t.user("Bob Noyce");
        t.assigned(ada, "10");
        t.assigned(bob, "10");
        CompletableFuture<Outcome<Settled>> charge;
        CompletableFuture<List<Outcome<Settled>>> batch;
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            TotalsSlots.holdAllBut(other, t.tenant, 77);
            charge = CompletableFuture.supplyAsync(() -> ledger.charge(t.tenant, new RequestId("single"), ada, "canvas",
                    Credits.of(2), LedgerFixture.FEATURE));
            assertThat(charge.get(20, TimeUnit.SECONDS)).as("the charge, answered while the slots are held")
                    .isInstanceOf(Outcome.Done.class);
            batch = CompletableFuture.supplyAsync(() -> done(ledger.charge(t.tenant,
                    List.of(item("first", ada, "1"), item("second", bob, "3"), item("third", ada, "1")), LedgerFixture.FEATURE)));
            assertThat(batch.get(20, TimeUnit.SECONDS)).as("the batch, answered while the slots are held")
                    .allMatch(outcome -> outcome instanceof Outcome.Done);
            other.commit();
        }
        assertThat(t.summary().totalUtilized()).isEqualTo(Credits.of(7));
        assertThat(count(t, "select consumed from tenant_totals where tenant_id = :tenant and slot = 77"))
                .as("what the free slot took").isEqualTo(7_000L);
        t.assertReconciles();
    }
}
