package com.aicredits.ledger;

import static com.aicredits.ledger.LedgerFixture.ADMIN;
import static com.aicredits.ledger.LedgerFixture.credits;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.directory.UserChange;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** One allowance set for many users from the action bar: all or nothing, previewed by a dry run, granted once. */
@TestApplication
class BulkAllowancesTest {

    static final AllowanceTerms MONTHLY_40 = new AllowanceTerms(credits("40"), Period.MONTHLY, AllowanceMode.RESET);

    @Autowired Ledger ledger;
    @Autowired Directory directory;

    LedgerFixture t;
    UserId ada;
    UserId grace;
    UserId linus;

    @BeforeEach
    void threeUsers() {
        t = new LedgerFixture(ledger, directory);
        t.purchased("100");
        ada = t.user("Ada");
        grace = t.user("Grace");
        linus = t.user("Linus");
        t.assigned(ada, "10");
        t.charged(ada, "4");
    }

    @Test
    void a_dry_run_shows_every_user_before_and_after_the_grant_and_changes_nothing() {
        var preview = ((BulkResult.Done) ledger.allowances().setAll(t.tenant, List.of(ada, grace), MONTHLY_40, "pilot", ADMIN, true))
                .preview();

        assertThat(preview.applied()).isFalse();
        assertThat(preview.rows()).extracting(row -> row.before().remaining(), row -> row.after().remaining())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Credits.of(6), Credits.of(40)),
                        org.assertj.core.groups.Tuple.tuple(Credits.ZERO, Credits.of(40)));
        // Ada's RESET returns her 6 to the pool first: 90 + 6 - 40 - 40.
        assertThat(preview.unassignedBefore()).isEqualTo(Credits.of(90));
        assertThat(preview.unassignedAfter()).isEqualTo(Credits.of(16));
        assertThat(ledger.allowances().of(t.tenant, ada)).isEmpty();
        assertThat(t.balance(ada).remaining()).isEqualTo(Credits.of(6));
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(90));
        t.assertReconciles();
    }

    @Test
    void applying_stores_each_allowance_and_grants_the_current_period_once() {
        var applied = ledger.allowances().setAll(t.tenant, List.of(ada, grace), MONTHLY_40, "pilot", ADMIN, false);
        var again = ledger.allowances().setAll(t.tenant, List.of(ada, grace), MONTHLY_40, "pilot", ADMIN, false);

        assertThat(applied).isInstanceOf(BulkResult.Done.class);
        assertThat(((BulkResult.Done) applied).preview().applied()).isTrue();
        assertThat(again).isInstanceOf(BulkResult.Done.class);
        for (var user : List.of(ada, grace)) {
            assertThat(ledger.allowances().of(t.tenant, user).orElseThrow().terms()).isEqualTo(MONTHLY_40);
            assertThat(t.balance(user).remaining()).isEqualTo(Credits.of(40));
            assertThat(ledger.entries(t.tenant, user, EntryType.ALLOWANCE, 0, 10).total()).isEqualTo(1);
        }
        assertThat(ledger.allowances().of(t.tenant, linus)).isEmpty();
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(16));
        t.assertReconciles();
    }

    @Test
    void an_unknown_a_repeated_or_a_deactivated_user_is_a_refused_row_and_nothing_is_set() {
        directory.change(t.tenant, linus, new UserChange(null, null, false));
        var stranger = new UserId(UUID.randomUUID());

        var result = ledger.allowances().setAll(t.tenant, List.of(ada, stranger, ada, linus, grace), MONTHLY_40, null, ADMIN, false);

        assertThat(result).isInstanceOf(BulkResult.RowsRefused.class);
        assertThat(((BulkResult.RowsRefused) result).errors()).extracting(BulkResult.RowRefused::index, BulkResult.RowRefused::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "NOT_FOUND"),
                        org.assertj.core.groups.Tuple.tuple(2, "DUPLICATE_USER"),
                        org.assertj.core.groups.Tuple.tuple(3, "USER_INACTIVE"));
        assertThat(ledger.allowances().of(t.tenant, ada)).isEmpty();
        assertThat(ledger.allowances().of(t.tenant, grace)).isEmpty();
        assertThat(t.summary().creditsUnassigned()).isEqualTo(Credits.of(90));
        t.assertReconciles();
    }

    @Test
    void an_invalid_amount_or_an_empty_selection_is_refused_as_a_whole() {
        var zero = new AllowanceTerms(Credits.ZERO, Period.WEEKLY, AllowanceMode.TOP_UP);

        assertThat(ledger.allowances().setAll(t.tenant, List.of(ada), zero, null, ADMIN, false)).isInstanceOf(BulkResult.Failed.class);
        assertThat(ledger.allowances().setAll(t.tenant, List.of(), MONTHLY_40, null, ADMIN, false)).isInstanceOf(BulkResult.Failed.class);
        assertThat(ledger.allowances().of(t.tenant, ada)).isEmpty();
    }
}
