package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.RandomChoices;
import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.directory.UserChange;
import com.aicredits.ledger.BulkChange.Item;
import com.aicredits.ledger.BulkChange.Operation;
import com.aicredits.ledger.BulkResult.RowRefused;
import com.aicredits.ledger.RowQuery.SortBy;
import com.aicredits.settings.SettingsChange;
import com.aicredits.settings.TenantSettings;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.UserId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bulk changes on the real ledger: all or nothing (a bulk with one refused row changes nothing at all), a dry
 * run that changes nothing and predicts exactly what applying then does, every refused row reported by index.
 */
@TestApplication
class BulkChangesTest {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TenantSettings settings;

    LedgerFixture t;

    @BeforeEach
    void newTenant() {
        t = new LedgerFixture(ledger, directory);
    }

    /** Everything the ledger shows about the tenant: two equal snapshots mean nothing changed in between. */
    record State(Summary summary, List<AccountRow> rows, List<Entry> entries, Map<UserId, Balance> balances) {
    }

    private State state(List<UserId> users) {
        var balances = new LinkedHashMap<UserId, Balance>();
        users.forEach(user -> balances.put(user, t.balance(user)));
        return new State(t.summary(), ledger.rows(t.tenant, new RowQuery(null, null, null, SortBy.NAME, false, 0, 200)).items(),
                ledger.entries(t.tenant, null, null, 0, 200).items(), balances);
    }

    private String email(UserId user) {
        return directory.user(t.tenant, user).orElseThrow().email();
    }

    /**
     * A tenant of six users: u0..u3 hold 100 each (u0 has consumed 30), u4 and u5 have nothing; 600 stay in the
     * pool. Valid rows use u0..u2 (allocated) or u4, u5 (not); u3 is kept for a refused row.
     */
    private List<UserId> sixUsers() {
        t.purchased("1000");
        var users = new ArrayList<UserId>();
        for (int i = 0; i < 6; i++) {
            users.add(t.user("User " + i));
        }
        for (int i = 0; i < 4; i++) {
            t.assigned(users.get(i), "100");
        }
        t.charged(users.get(0), "30");
        return users;
    }

    /** Valid rows for the operation, a random subset in random order, by id or by e-mail. */
    private List<Item> validRows(RandomChoices random, Operation operation, List<UserId> users) {
        var candidates = new ArrayList<>(operation == Operation.ASSIGN ? List.of(users.get(4), users.get(5))
                : List.of(users.get(0), users.get(1), users.get(2)));
        java.util.Collections.shuffle(candidates, new java.util.Random(random.anyLong()));
        var rows = new ArrayList<Item>();
        int count = random.between(1, candidates.size());
        for (int i = 0; i < count; i++) {
            var user = candidates.get(i);
            var amount = new Credits(random.between(1L, 60_000L));
            rows.add(random.chance(0.5) ? new Item(user, null, amount, null) : new Item(null, email(user), amount,
                    random.chance(0.5) ? "row note " + i : null));
        }
        return rows;
    }

    @Test
    void a_bulk_with_one_refused_row_changes_nothing_at_all_and_names_that_row() {
        for (long seed = 1; seed <= 24; seed++) {
            newTenant();
            var random = new RandomChoices(seed);
            var users = sixUsers();
            var operation = random.oneOf(Operation.values());
            var rows = validRows(random, operation, users);
            var before = state(users);

            // One refused row, of a kind drawn at random, at a random place (a duplicate comes after its original).
            int kind = random.between(0, 3);
            int at = kind == 2 ? random.between(1, rows.size()) : random.between(0, rows.size());
            Item bad;
            String code;
            switch (kind) {
                case 0 -> {
                    bad = new Item(null, "nobody-" + UUID.randomUUID() + "@example.com", Credits.of(1), null);
                    code = "NOT_FOUND";
                }
                case 1 -> {
                    bad = new Item(users.get(3), null, Credits.ZERO, null);
                    code = "INVALID_AMOUNT";
                }
                case 2 -> {
                    var original = rows.get(random.between(0, at - 1));
                    bad = new Item(original.userId(), original.email(), Credits.of(1), null);
                    code = "DUPLICATE_USER";
                }
                default -> {
                    // u3 holds 100 and is in no other row: each operation refuses it for its own reason.
                    bad = switch (operation) {
                        case ASSIGN -> new Item(users.get(3), null, Credits.of(1), null);
                        case ADD -> new Item(users.get(3), null, credits("600.001"), null);
                        case REMOVE -> new Item(users.get(3), null, credits("100.001"), null);
                    };
                    code = switch (operation) {
                        case ASSIGN -> "ALREADY_ASSIGNED";
                        case ADD -> "INSUFFICIENT_UNASSIGNED";
                        case REMOVE -> "EXCEEDS_REMOVABLE";
                    };
                }
            }
            rows.add(at, bad);

            var result = ledger.bulk(t.tenant, new BulkChange(operation, rows, "bulk " + seed, false), ADMIN, "bulk-" + seed);

            assertThat(result).as("seed %d: %s %s", seed, operation, rows).isInstanceOf(BulkResult.RowsRefused.class);
            var refused = (BulkResult.RowsRefused) result;
            assertThat(refused.errors()).as("seed %d", seed).extracting(RowRefused::index, RowRefused::code)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(at, code));
            assertThat(refused.preview().applied()).isFalse();
            assertThat(state(users)).as("seed %d: the tenant after a refused bulk", seed).isEqualTo(before);
            t.assertReconciles();
        }
    }

    @Test
    void a_dry_run_changes_nothing_and_previews_exactly_what_applying_then_does() {
        for (long seed = 100; seed < 116; seed++) {
            newTenant();
            var random = new RandomChoices(seed);
            var users = sixUsers();
            var operation = random.oneOf(Operation.values());
            var rows = validRows(random, operation, users);
            var before = state(users);

            var preview = ledger.bulk(t.tenant, new BulkChange(operation, rows, "quarterly top-up", true), ADMIN, null);

            assertThat(preview).as("seed %d", seed).isInstanceOf(BulkResult.Done.class);
            assertThat(((BulkResult.Done) preview).preview().applied()).isFalse();
            assertThat(state(users)).as("seed %d: the tenant after a dry run", seed).isEqualTo(before);

            var applied = ledger.bulk(t.tenant, new BulkChange(operation, rows, "quarterly top-up", false), ADMIN,
                    "apply-" + seed);

            assertThat(applied).isInstanceOf(BulkResult.Done.class);
            var done = ((BulkResult.Done) applied).preview();
            var predicted = ((BulkResult.Done) preview).preview();
            assertThat(done.applied()).isTrue();
            assertThat(done.rows()).as("seed %d: rows", seed).isEqualTo(predicted.rows());
            assertThat(done.unassignedBefore()).isEqualTo(predicted.unassignedBefore());
            assertThat(done.unassignedAfter()).isEqualTo(predicted.unassignedAfter());
            assertThat(t.summary().creditsUnassigned()).isEqualTo(predicted.unassignedAfter());
            for (var row : predicted.rows()) {
                var balance = t.balance(row.userId());
                assertThat(new BulkPreview.Figures(balance.assigned(), balance.consumed(), balance.remaining()))
                        .as("seed %d: %s after", seed, row.email()).isEqualTo(row.after());
            }
            // One entry per row, each with the row's note, or the bulk's.
            var entries = ledger.entries(t.tenant, null, null, 0, 200).items().subList(0, rows.size()).reversed();
            for (int i = 0; i < rows.size(); i++) {
                var item = rows.get(i);
                assertThat(entries.get(i).type()).isEqualTo(operation.entryType);
                assertThat(entries.get(i).userId()).isEqualTo(predicted.rows().get(i).userId());
                assertThat(entries.get(i).credits()).isEqualTo(item.credits());
                assertThat(entries.get(i).note()).isEqualTo(item.note() != null ? item.note() : "quarterly top-up");
            }
            t.assertReconciles();
        }
    }

    @Test
    void every_refused_row_is_reported_with_its_reason_and_figure() {
        var users = sixUsers();
        var rows = List.of(new Item(users.get(0), null, Credits.of(70), null),        // u0 has 70 removable: fine
                new Item(users.get(1), null, credits("100.5"), null),                  // more than its 100
                new Item(null, "ghost@example.com", Credits.of(1), null),              // unknown e-mail
                new Item(null, email(users.get(0)).toUpperCase(), Credits.of(1), null), // u0 again, by e-mail
                new Item(users.get(4), null, Credits.of(1), null),                     // nothing assigned
                new Item(users.get(2), null, Credits.of(-1), null));                   // not an amount
        var result = ledger.bulk(t.tenant, new BulkChange(Operation.REMOVE, rows, null, false), ADMIN, "k");

        var refused = (BulkResult.RowsRefused) result;
        assertThat(refused.errors()).extracting(RowRefused::index, RowRefused::code, RowRefused::limit).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, "EXCEEDS_REMOVABLE", Credits.of(100)),
                org.assertj.core.groups.Tuple.tuple(2, "NOT_FOUND", null),
                org.assertj.core.groups.Tuple.tuple(3, "DUPLICATE_USER", null),
                org.assertj.core.groups.Tuple.tuple(4, "NO_ALLOCATION", null),
                org.assertj.core.groups.Tuple.tuple(5, "INVALID_AMOUNT", null));
        assertThat(refused.errors().get(2).detail()).contains("row 1 (index 0)");
        assertThat(t.balance(users.get(0)).remaining()).isEqualTo(Credits.of(70));
        assertThat(ledger.entries(t.tenant, null, EntryType.REMOVE, 0, 10).total()).isZero();
        t.assertReconciles();
    }

    @Test
    void a_pool_too_small_for_the_total_refuses_the_rows_it_cannot_cover() {
        t.purchased("100");
        var a = t.user("Ada");
        var b = t.user("Bob");
        var c = t.user("Cy");
        var rows = List.of(new Item(a, null, Credits.of(60), null), new Item(b, null, Credits.of(30), null),
                new Item(c, null, Credits.of(30), null));

        var refused = (BulkResult.RowsRefused) ledger.bulk(t.tenant, new BulkChange(Operation.ASSIGN, rows, null, false), ADMIN, "k");

        assertThat(refused.errors()).extracting(RowRefused::index, RowRefused::code, RowRefused::limit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "INSUFFICIENT_UNASSIGNED", Credits.of(10)));
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(100));
        assertThat(t.summary().usersWithCredits()).isZero();
        t.assertReconciles();
    }

    @Test
    void a_deactivated_user_gets_no_credits_in_a_bulk_but_may_have_them_removed() {
        var users = sixUsers();
        // Kept credits to remove: this tenant does not take them back at deactivation (the default does).
        settings.change(t.tenant, new SettingsChange(null, null, false, null, null)).orElseThrow();
        directory.change(t.tenant, users.get(1), new UserChange(null, null, false));

        var add = (BulkResult.RowsRefused) ledger.bulk(t.tenant, new BulkChange(Operation.ADD,
                List.of(new Item(users.get(1), null, Credits.of(5), null)), null, false), ADMIN, "k1");
        assertThat(add.errors()).extracting(RowRefused::code).containsExactly("USER_INACTIVE");

        var remove = ledger.bulk(t.tenant, new BulkChange(Operation.REMOVE,
                List.of(new Item(users.get(1), null, Credits.of(5), null)), null, false), ADMIN, "k2");
        assertThat(remove).isInstanceOf(BulkResult.Done.class);
        assertThat(t.balance(users.get(1)).remaining()).isEqualTo(Credits.of(95));
        t.assertReconciles();
    }

    @Test
    void applying_needs_an_idempotency_key_and_the_same_key_never_applies_twice() {
        var users = sixUsers();
        var change = new BulkChange(Operation.ADD, List.of(new Item(users.get(0), null, Credits.of(5), null),
                new Item(users.get(1), null, Credits.of(7), null)), "once", false);

        var noKey = (BulkResult.Failed) ledger.bulk(t.tenant, change, ADMIN, null);
        assertThat(noKey.refused().field()).isEqualTo("Idempotency-Key");

        assertThat(((BulkResult.Done) ledger.bulk(t.tenant, change, ADMIN, "same")).preview().replayed()).isFalse();
        var again = (BulkResult.Done) ledger.bulk(t.tenant, change, ADMIN, "same");
        assertThat(again.preview().replayed()).isTrue();
        assertThat(t.balance(users.get(0)).remaining()).isEqualTo(Credits.of(75));
        assertThat(t.balance(users.get(1)).remaining()).isEqualTo(Credits.of(107));

        var other = new BulkChange(Operation.ADD, List.of(new Item(users.get(2), null, Credits.of(5), null)), "once", false);
        assertThat(((BulkResult.Failed) ledger.bulk(t.tenant, other, ADMIN, "same")).refused().reason())
                .isEqualTo(Refusal.IDEMPOTENCY_KEY_REUSED);
        t.assertReconciles();
    }

    @Test
    void more_than_ten_thousand_rows_or_none_are_refused_as_a_whole() {
        var user = t.user("Ada");
        var tooMany = new ArrayList<Item>();
        for (int i = 0; i <= Ledger.MAX_BULK_ITEMS; i++) {
            tooMany.add(new Item(user, null, Credits.of(1), null));
        }
        assertThat(((BulkResult.Failed) ledger.bulk(t.tenant, new BulkChange(Operation.ADD, tooMany, null, true), ADMIN, null))
                .refused().field()).isEqualTo("items");
        assertThat(((BulkResult.Failed) ledger.bulk(t.tenant, new BulkChange(Operation.ADD, List.of(), null, true), ADMIN, null))
                .refused().field()).isEqualTo("items");
    }
}
