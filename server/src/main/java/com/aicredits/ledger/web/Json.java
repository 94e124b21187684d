package com.aicredits.ledger.web;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.aicredits.directory.Role;
import com.aicredits.ledger.AccountRow;
import com.aicredits.ledger.Allowance;
import com.aicredits.ledger.Balance;
import com.aicredits.ledger.Entry;
import com.aicredits.ledger.EntryType;
import com.aicredits.ledger.Page;
import com.aicredits.ledger.Purchase;
import com.aicredits.ledger.RequestState;
import com.aicredits.ledger.Runway;
import com.aicredits.ledger.Summary;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** The JSON shapes of the credits API. Amounts are plain JSON numbers in credits: 12, -5, 0.375. */
final class Json {

    private Json() {
    }

    static BigDecimal amount(Credits credits) {
        return credits == null ? null : credits.toBigDecimal();
    }

    record CreditsBody(@Schema(requiredMode = REQUIRED) BigDecimal credits, String note) {
    }

    record PurchaseBody(@Schema(requiredMode = REQUIRED) BigDecimal credits,
            @Schema(requiredMode = REQUIRED) String reference, String note) {
    }

    record AuthorizeBody(@Schema(requiredMode = REQUIRED) String requestId, @Schema(requiredMode = REQUIRED) UUID userId,
            @Schema(requiredMode = REQUIRED) String feature, BigDecimal estimate) {

        UserId user() {
            return new UserId(userId);
        }
    }

    record ChargeBody(@Schema(requiredMode = REQUIRED) String requestId, @Schema(requiredMode = REQUIRED) UUID userId,
            @Schema(requiredMode = REQUIRED) String feature, @Schema(requiredMode = REQUIRED) BigDecimal cost) {

        UserId user() {
            return new UserId(userId);
        }
    }

    record SettleBody(@Schema(requiredMode = REQUIRED) BigDecimal cost) {
    }

    record PurchaseJson(UUID id, BigDecimal credits, String reference, @Schema(nullable = true) String note,
            String actor, Instant createdAt) {
        static PurchaseJson of(Purchase p) {
            return new PurchaseJson(p.id(), amount(p.credits()), p.reference(), p.note(), p.actor(), p.createdAt());
        }
    }

    record SummaryJson(BigDecimal totalPurchased, BigDecimal totalUtilized, BigDecimal utilizedPercent,
            BigDecimal totalAvailable, BigDecimal availablePercent, long usersWithCredits, long totalUsers,
            BigDecimal creditsUnassigned) {
        static SummaryJson of(Summary s) {
            return new SummaryJson(amount(s.totalPurchased()), amount(s.totalUtilized()), s.utilizedPercent(),
                    amount(s.totalAvailable()), s.availablePercent(), s.usersWithCredits(), s.totalUsers(),
                    amount(s.creditsUnassigned()));
        }
    }

    /**
     * A user's row, as the table shows it and as assign, add and remove answer it. {@code allowance}: null, or the
     * user's recurring allowance. {@code dailyBurn}, {@code runsOutOn} and {@code runsOutBeforeNextGrant}: the user's
     * runway (see {@link Runway}); a user the runways leave out (whose allocation closed) burns nothing and never runs out.
     */
    record RowJson(UUID userId, String name, String email,
            @Schema(implementation = Role.class) String role, BigDecimal assigned, BigDecimal consumed,
            BigDecimal remaining, BigDecimal held, BigDecimal usedPercent, boolean active,
            @Schema(nullable = true) TermsJson allowance, BigDecimal dailyBurn, @Schema(nullable = true) LocalDate runsOutOn,
            Boolean runsOutBeforeNextGrant) {

        private static final Runway NO_RUNWAY = new Runway(Credits.ZERO, null, false);

        /** {@code runways}: as {@link com.aicredits.ledger.UsageOverTime} reads them, for this row's user among others. */
        static RowJson of(AccountRow r, java.util.Map<UserId, Runway> runways) {
            var runway = runways.getOrDefault(r.userId(), NO_RUNWAY);
            return new RowJson(r.userId().value(), r.name(), r.email(), r.role().name(), amount(r.assigned()),
                    amount(r.consumed()), amount(r.remaining()), amount(r.held()), r.usedPercent(), r.active(),
                    r.allowance().map(TermsJson::of).orElse(null), amount(runway.dailyBurn()), runway.runsOutOn(),
                    runway.beforeNextGrant());
        }
    }

    record TermsJson(BigDecimal credits, @Schema(implementation = Period.class) String period,
            @Schema(implementation = AllowanceMode.class) String mode) {
        static TermsJson of(AllowanceTerms t) {
            return new TermsJson(amount(t.credits()), t.period().name(), t.mode().name());
        }
    }

    /** PUT allowance: period and mode are read as text so that a wrong value gets its own code. */
    record AllowanceBody(@Schema(requiredMode = REQUIRED) BigDecimal credits,
            @Schema(implementation = Period.class, requiredMode = REQUIRED) String period,
            @Schema(implementation = AllowanceMode.class, requiredMode = REQUIRED) String mode, String note) {
    }

    record GrantJson(LocalDate periodStart, BigDecimal granted, BigDecimal shortfall, Instant at) {
    }

    record AllowanceJson(UUID userId, BigDecimal credits, @Schema(implementation = Period.class) String period,
            @Schema(implementation = AllowanceMode.class) String mode, @Schema(nullable = true) String note,
            Instant nextGrantAt, @Schema(nullable = true) GrantJson lastGrant) {
        static AllowanceJson of(Allowance a, Instant nextGrantAt) {
            var t = a.terms();
            return new AllowanceJson(a.userId().value(), amount(t.credits()), t.period().name(), t.mode().name(),
                    a.note(), nextGrantAt, a.lastGrant().map(g -> new GrantJson(g.period().start(), amount(g.granted()),
                            amount(g.shortfall()), g.at())).orElse(null));
        }
    }

    record GrantTotalsJson(BigDecimal granted, BigDecimal shortfall, int users) {
    }

    /**
     * One ledger entry. Null where the entry's type has no such figure: a purchase has no user, a user's entry that
     * does not move the pool has no pool figures, and only consumption has a feature and request id.
     */
    record EntryJson(UUID id, @Schema(implementation = EntryType.class) String type, @Schema(nullable = true) UUID userId,
            BigDecimal credits, @Schema(nullable = true) String note, String actor, Instant at,
            @Schema(nullable = true) BigDecimal remainingBefore, @Schema(nullable = true) BigDecimal remainingAfter,
            @Schema(nullable = true) BigDecimal heldAfter, @Schema(nullable = true) BigDecimal unassignedBefore,
            @Schema(nullable = true) BigDecimal unassignedAfter, @Schema(nullable = true) String reference,
            @Schema(nullable = true) String feature, @Schema(nullable = true) String requestId) {
        static EntryJson of(Entry e) {
            return new EntryJson(e.publicId(), e.type().name(), e.userId() == null ? null : e.userId().value(),
                    amount(e.credits()), e.note(), e.actor(), e.at(), amount(e.remainingBefore()),
                    amount(e.remainingAfter()), amount(e.heldAfter()), amount(e.unassignedBefore()),
                    amount(e.unassignedAfter()), e.reference(), e.feature(), e.requestId());
        }
    }

    /** {@code active}: the user has an open allocation (credits assigned and not ended), not the person's state. */
    record BalanceJson(BigDecimal assigned, BigDecimal consumed, BigDecimal remaining, BigDecimal held,
            BigDecimal available,
            @Schema(description = "the user has an open allocation (credits "
                    + "assigned and not ended); not whether the person is active: see canStart") boolean active,
            boolean canStart) {
        static BalanceJson of(Balance b) {
            return new BalanceJson(amount(b.assigned()), amount(b.consumed()), amount(b.remaining()),
                    amount(b.held()), amount(b.available()), b.active(), b.canStart());
        }
    }

    record AuthorizedJson(String requestId, String status, BigDecimal held, BigDecimal available, Instant expiresAt) {
    }

    record SettledJson(String requestId, String status, BigDecimal cost, BigDecimal remaining) {
    }

    record VoidedJson(String requestId, String status) {
    }

    record RequestJson(String requestId, UUID userId, String feature,
            @Schema(implementation = RequestState.Status.class) String status, BigDecimal held,
            @Schema(nullable = true, description = "once settled") BigDecimal cost, Instant createdAt,
            @Schema(nullable = true, description = "null for a charge, which holds nothing") Instant expiresAt,
            @Schema(nullable = true, description = "while authorized") Instant finishedAt) {
        static RequestJson of(RequestState r) {
            return new RequestJson(r.requestId().value(), r.userId().value(), r.feature(), r.status().name(),
                    amount(r.held()), amount(r.cost()), r.createdAt(), r.expiresAt(), r.finishedAt());
        }
    }

    /** One page of the table; {@code total} counts every matching user. */
    record RowsPage(List<RowJson> items, int page, int size, long total) {
        static RowsPage of(Page<AccountRow> page, java.util.Map<UserId, Runway> runways) {
            return new RowsPage(page.items().stream().map(r -> RowJson.of(r, runways)).toList(), page.page(), page.size(),
                    page.total());
        }
    }

    /** One page of ledger entries, newest first; {@code total} counts every matching entry. */
    record EntriesPage(List<EntryJson> items, int page, int size, long total) {
        static EntriesPage of(Page<Entry> page) {
            return new EntriesPage(page.items().stream().map(EntryJson::of).toList(), page.page(), page.size(), page.total());
        }
    }
}
