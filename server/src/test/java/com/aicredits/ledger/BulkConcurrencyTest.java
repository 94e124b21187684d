package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.Together;
import com.aicredits.directory.Directory;
import com.aicredits.shared.UserId;
import com.aicredits.ledger.BulkChange.Item;
import com.aicredits.ledger.BulkChange.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Bulk changes racing consumption on the same users: AI requests charge while admins add to and remove from all
 * of them at once. Every bulk is all or nothing even then, the ledger reconciles, and no one ends further below
 * zero than SPEC's bound.
 */
@TestApplication
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BulkConcurrencyTest {

    private static final Actor ADMIN = new Actor("admin:bulk-race");
    private static final Actor FEATURE = new Actor("key:bulk-race");
    private static final int USERS = 12;
    private static final int CHARGERS = 6;
    private static final int BULKERS = 2;
    private static final long MAX_COST = 9;

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired JdbcClient jdbc;

    @Test
    void bulk_adds_and_removes_racing_charges_on_the_same_users_are_each_all_or_nothing() throws Exception {
        var t = new LedgerFixture(ledger, directory);
        t.purchased("5000");
        var users = new ArrayList<UserId>();
        for (int i = 0; i < USERS; i++) {
            users.add(t.user("Racer " + i));
            t.assigned(users.get(i), "40");
        }
        // Which bulk applied how many rows, by its note; every attempt is recorded, refused ones with 0.
        Map<String, Integer> appliedRows = new ConcurrentHashMap<>();

        Together.run(CHARGERS + BULKERS, worker -> {
            var random = ThreadLocalRandom.current();
            if (worker < CHARGERS) {
                for (int i = 0; i < 120; i++) {
                    var user = users.get(random.nextInt(USERS));
                    ledger.charge(t.tenant, new RequestId(UUID.randomUUID().toString()), user, "canvas",
                            Credits.of(random.nextLong(1, MAX_COST + 1)), FEATURE);
                }
                return null;
            }
            for (int i = 0; i < 12; i++) {
                var operation = random.nextBoolean() ? Operation.ADD : Operation.REMOVE;
                var rows = users.stream().map(user -> new Item(user, null, Credits.of(random.nextLong(1, 8)), null)).toList();
                String note = "bulk " + worker + "-" + i;
                var result = ledger.bulk(t.tenant, new BulkChange(operation, rows, note, false), ADMIN, note);
                appliedRows.put(note, switch (result) {
                    case BulkResult.Done done -> {
                        assertThat(done.preview().applied()).isTrue();
                        yield rows.size();
                    }
                    case BulkResult.RowsRefused refused -> {
                        // Charges took a user's removable below the row, or closed the allocation.
                        assertThat(refused.errors()).extracting(BulkResult.RowRefused::code)
                                .allMatch(code -> code.equals("EXCEEDS_REMOVABLE") || code.equals("NO_ALLOCATION"));
                        yield 0;
                    }
                    case BulkResult.Failed failed -> throw new AssertionError("bulk failed as a whole: " + failed);
                });
            }
            return null;
        });

        Map<String, Integer> entriesByNote = new HashMap<>();
        jdbc.sql("select note, count(*) from ledger_entries where tenant_id = ? and note like 'bulk %' group by note")
                .param(t.tenant.value())
                .query(rs -> {
                    entriesByNote.put(rs.getString(1), rs.getInt(2));
                });
        appliedRows.forEach((note, rows) -> assertThat(entriesByNote.getOrDefault(note, 0))
                .as("entries of %s: all its rows or none", note).isEqualTo(rows));
        assertThat(entriesByNote.keySet()).isSubsetOf(appliedRows.keySet());
        assertThat(appliedRows.values()).as("some bulks applied").anyMatch(rows -> rows > 0);

        t.assertReconciles();
        var summary = t.summary();
        long assigned = users.stream().mapToLong(u -> jdbc.sql("select assigned from accounts where tenant_id = ? and user_id = ?")
                .params(t.tenant.value(), u.value()).query(Long.class).single()).sum();
        assertThat(summary.creditsUnassigned().thousandths()).as("unassigned = purchased - Σ assigned")
                .isEqualTo(summary.totalPurchased().thousandths() - assigned);
        for (var user : users) {
            // Charges are one statement each and admitted only with credits available: a user ends at most one
            // charge below zero, well within SPEC's bound of (in-flight limit × largest single cost).
            assertThat(t.balance(user).remaining()).as("remaining of %s", user)
                    .isGreaterThanOrEqualTo(Credits.of(-MAX_COST * LedgerModel.MAX_OPEN_HOLDS));
        }
    }

    /**
     * Admins setting allowances for all of the users at once, over and over, while the period job runs and AI
     * requests charge them: every user is granted the running period exactly once, whoever got there first.
     */
    @Test
    void allowances_set_for_many_users_racing_the_period_job_and_charges_grant_each_user_once() throws Exception {
        var t = new LedgerFixture(ledger, directory);
        t.purchased("5000");
        var users = new ArrayList<UserId>();
        for (int i = 0; i < USERS; i++) {
            users.add(t.user("Monthly " + i));
        }
        var terms = new com.aicredits.settings.AllowanceTerms(Credits.of(50), com.aicredits.settings.Period.MONTHLY,
                com.aicredits.settings.AllowanceMode.TOP_UP);

        Together.run(CHARGERS + BULKERS + 1, worker -> {
            var random = ThreadLocalRandom.current();
            if (worker < CHARGERS) {
                for (int i = 0; i < 60; i++) {
                    ledger.charge(t.tenant, new RequestId(UUID.randomUUID().toString()), users.get(random.nextInt(USERS)),
                            "canvas", Credits.of(random.nextLong(1, MAX_COST + 1)), FEATURE);
                }
            } else if (worker < CHARGERS + BULKERS) {
                for (int i = 0; i < 6; i++) {
                    var shuffled = new ArrayList<>(users);
                    java.util.Collections.shuffle(shuffled);
                    assertThat(ledger.allowances().setAll(t.tenant, shuffled, terms, null, ADMIN, false))
                            .isInstanceOf(BulkResult.Done.class);
                }
            } else {
                for (int i = 0; i < 6; i++) {
                    ledger.allowances().grantDue(t.tenant, 3, batch -> { });
                }
            }
            return null;
        });

        for (var user : users) {
            assertThat(ledger.entries(t.tenant, user, EntryType.ALLOWANCE, 0, 10).total()).as("grants of %s", user).isEqualTo(1);
        }
        assertThat(jdbc.sql("select count(*) from allowance_grants where tenant_id = ?").param(t.tenant.value())
                .query(Long.class).single()).isEqualTo(USERS);
        t.assertReconciles();
    }
}
