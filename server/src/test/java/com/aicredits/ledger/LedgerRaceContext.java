package com.aicredits.ledger;

import static com.aicredits.Outcomes.doneValues;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestClock;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the ledger's concurrency tests share ({@link AllocationRaceTest}, {@link AdmissionStormTest},
 * {@link RemoveRacingConsumptionTest}, {@link RequestIdRaceTest}, {@link ExpirySweepRaceTest}): the ledger under
 * real contention on the real PostgreSQL, many threads released at once through a start gate against one pool,
 * one user or one request id. Each test makes its own tenant and asserts exact counts and balances, then that
 * reconciliation finds no drift. Subclasses carry {@code @TestApplication} and the class {@code @Timeout}.
 */
abstract class LedgerRaceContext {

    static final Actor ACTOR = new Actor("test");
    static final String FEATURE = "canvas-chat";

    @Autowired
    Ledger ledger;

    @Autowired
    Directory directory;

    @Autowired
    TestClock testClock;

    TenantId tenant;

    @AfterEach
    void the_ledger_reconciles_without_drift() {
        if (tenant != null) {
            assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
            // and the usage roll-ups, folded after the storm, equal its consumption entries (issue 14)
            ledger.overTime().fold();
            assertThat(ledger.reconcile(tenant).drifts()).as("after folding the usage").isEmpty();
        }
    }

    void tenant(String name) {
        tenant = directory.createTenant("Concurrency: " + name).id();
    }

    void purchase(long credits) {
        assertThat(ledger.purchase(tenant, Credits.of(credits), "order-1", null, ACTOR, null))
                .isInstanceOf(Outcome.Done.class);
    }

    List<UserId> users(int count) {
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var result = directory.register(tenant,
                    new NewUser("User " + i, "user" + i + "@example.com", Role.Planner));
            assertThat(result).isInstanceOf(Outcome.Done.class);
            users.add(result.orElseThrow().id());
        }
        return users;
    }

    List<UserId> assignedUsers(int count, long credits) {
        List<UserId> users = users(count);
        for (UserId user : users) {
            assertThat(ledger.assign(tenant, user, Credits.of(credits), null, ACTOR, null))
                    .isInstanceOf(Outcome.Done.class);
        }
        return users;
    }

    /** Every entry of the tenant (narrowed to a user and type when given), newest first. */
    List<Entry> entries(UserId user, EntryType type) {
        List<Entry> all = new ArrayList<>();
        for (int page = 0; ; page++) {
            var items = ledger.entries(tenant, user, type, page, RowQuery.MAX_PAGE_SIZE).items();
            all.addAll(items);
            if (items.size() < RowQuery.MAX_PAGE_SIZE) {
                return all;
            }
        }
    }

    long count(UserId user, EntryType type) {
        return ledger.entries(tenant, user, type, 0, 1).total();
    }

    static List<Authorized> authorized(List<? extends Outcome<Authorized>> results) {
        return doneValues(results, Authorized.class);
    }

    static List<Refused<?>> refused(List<?> results) {
        return results.stream().<Refused<?>>mapMulti((r, out) -> {
            if (r instanceof Refused<?> refused) {
                out.accept(refused);
            }
        }).toList();
    }
}
