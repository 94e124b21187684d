package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A fresh tenant per test and short ways to drive it; every call asserts the step it needs succeeded. */
final class LedgerFixture {

    static final Actor ADMIN = new Actor("admin:test");
    static final Actor FEATURE = new Actor("key:test-feature");

    final Ledger ledger;
    final Directory directory;
    final TenantId tenant;

    LedgerFixture(Ledger ledger, Directory directory) {
        this.ledger = ledger;
        this.directory = directory;
        this.tenant = directory.createTenant("Tenant " + UUID.randomUUID()).id();
    }

    static Credits credits(String amount) {
        return ((Credits.Entered.Valid) Credits.parse(amount)).credits();
    }

    UserId user(String name) {
        return user(name, Role.Planner);
    }

    UserId user(String name, Role role) {
        String email = name.toLowerCase().replace(' ', '.') + "@" + tenant.value().toString().substring(0, 8) + ".example";
        var result = directory.register(tenant, new NewUser(name, email, role));
        assertThat(result).isInstanceOf(Outcome.Done.class);
        return result.orElseThrow().id();
    }

    LedgerFixture purchased(String amount) {
        assertThat(ledger.purchase(tenant, credits(amount), "PO-" + UUID.randomUUID(), null, ADMIN, null))
                .isInstanceOf(Outcome.Done.class);
        return this;
    }

    /** A new user holding {@code assigned} credits out of {@code purchased} bought for the tenant. */
    UserId userWithCredits(String name, String purchased, String assigned) {
        var user = user(name);
        purchased(purchased).assigned(user, assigned);
        return user;
    }

    AccountRow assigned(UserId user, String amount) {
        var result = ledger.assign(tenant, user, credits(amount), null, ADMIN, null);
        assertThat(result).isInstanceOf(Outcome.Done.class);
        return result.orElseThrow().row();
    }

    Settled charged(UserId user, String cost) {
        var result = ledger.charge(tenant, new RequestId(UUID.randomUUID().toString()), user, "canvas", credits(cost), FEATURE);
        assertThat(result).isInstanceOf(Outcome.Done.class);
        return result.orElseThrow();
    }

    Outcome<Authorized> authorize(String request, UserId user, String estimate) {
        return ledger.authorize(tenant, new RequestId(request), user, "canvas", estimate == null ? null : credits(estimate), FEATURE);
    }

    Balance balance(UserId user) {
        return ledger.balance(tenant, user).orElseThrow();
    }

    Summary summary() {
        return ledger.summary(tenant).orElseThrow();
    }

    void assertReconciles() {
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }

    /**
     * Folds until the roll-ups hold every entry of the tenant. One fold may leave some out: it folds only transactions
     * older than every one still running, and the service's own background work (an alert check, a webhook claim) may
     * hold one open that began before the test's.
     */
    void foldEverything(JdbcClient jdbc) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        ledger.overTime().fold(); // at least once: a fold also rebuilds a changed zone's days and keeps today's runways
        while (jdbc.sql("select exists (select 1 from ledger_entries where tenant_id = ? and tx > (select tx from usage_watermark))")
                .param(tenant.value()).query(Boolean.class).single()) {
            assertThat(System.nanoTime()).as("the tenant's entries folded within 30 s").isLessThan(deadline);
            ledger.overTime().fold();
        }
    }
}
