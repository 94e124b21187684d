package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.shared.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ledger's order is each chain's own numbering (V29: user_seq, pool_seq), not the entries' ids. On Citus an entry
 * written on a worker takes its id from that worker's range, so a later entry of a user may have a smaller id than an
 * earlier one; here the id sequence is moved ahead and back to produce exactly that.
 */
@TestApplication
class LedgerOrderTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired JdbcClient jdbc;

    LedgerFixture t;
    UserId ada;

    @BeforeEach
    void aUserWithCredits() {
        t = new LedgerFixture(ledger, directory);
        ada = t.userWithCredits("Ada", "100", "10");
    }

    @AfterEach
    void idsContinuePastEveryIdTaken() {
        jdbc.sql("select setval(pg_get_serial_sequence('ledger_entries', 'id'), (select max(id) from ledger_entries))")
                .query(Long.class).single();
    }

    private long moveIds(long to) {
        return jdbc.sql("select setval(pg_get_serial_sequence('ledger_entries', 'id'), ?)").param(to).query(Long.class).single();
    }

    private long lastId() {
        return jdbc.sql("select max(id) from ledger_entries").query(Long.class).single();
    }

    @Test
    void a_users_entries_chain_and_list_in_the_order_they_were_applied_whatever_their_ids() {
        long before = lastId();
        moveIds(before + 1_000_000);
        t.charged(ada, "1");                 // the id of a node whose range lies above
        moveIds(before + 1_000);
        t.charged(ada, "2");                 // a later charge, a smaller id

        var history = ledger.history(t.tenant, ada, HistoryFilter.NONE, 0, 10).items();
        assertThat(history).extracting(Entry::type).containsExactly(EntryType.CHARGE, EntryType.CHARGE, EntryType.ASSIGN);
        assertThat(history).extracting(Entry::remainingAfter)
                .containsExactly(LedgerFixture.credits("7"), LedgerFixture.credits("9"), LedgerFixture.credits("10"));
        assertThat(history.get(0).id()).as("the newest entry has the smaller id").isLessThan(history.get(1).id());
        t.assertReconciles();
    }

    @Test
    void the_pools_entries_chain_in_the_order_they_were_applied_whatever_their_ids() {
        long before = lastId();
        moveIds(before + 1_000_000);
        t.purchased("5");
        moveIds(before + 1_000);
        t.assigned(t.user("Grace"), "3");

        assertThat(ledger.summary(t.tenant).orElseThrow().creditsUnassigned()).isEqualTo(LedgerFixture.credits("92"));
        t.assertReconciles();
    }

    @Test
    void a_gap_or_a_repeat_in_a_chain_is_a_drift() {
        t.charged(ada, "1");
        // The counter on the account runs ahead of its entries: as if an entry had been lost.
        jdbc.sql("update accounts set entry_count = entry_count + 1 where tenant_id = ? and user_id = ?")
                .params(t.tenant.value(), ada.value()).update();
        assertThat(ledger.reconcile(t.tenant).drifts()).singleElement().asString()
                .contains("entries=3, entries assigned=10000 consumed=1000 held=0 count=2");
        // The next entry then takes place 4: the user's chain has a gap at 3.
        t.charged(ada, "1");
        assertThat(ledger.reconcile(t.tenant).drifts()).anySatisfy(drift ->
                assertThat(drift).contains("user_seq is not the previous entry's plus one"));

        jdbc.sql("update pools set entry_count = entry_count - 1 where tenant_id = ?").param(t.tenant.value()).update();
        assertThat(ledger.reconcile(t.tenant).drifts()).anySatisfy(drift -> assertThat(drift).startsWith("pool "));
        // The next pool entry would take a place already taken: refused by the chain's unique index, nothing applied.
        var grace = t.user("Grace");
        assertThatThrownBy(() -> ledger.assign(t.tenant, grace, LedgerFixture.credits("1"), null, LedgerFixture.ADMIN, null))
                .isInstanceOf(DuplicateKeyException.class).hasMessageContaining("ledger_entries_pool_chain");
        assertThat(ledger.balance(t.tenant, grace).orElseThrow().active()).isFalse();
    }
}
