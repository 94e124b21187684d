package com.aicredits.ledger;

import com.aicredits.shared.TenantId;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps each user's runway as of the usage folder's watermark (V28__user_runways.sql), for readers that rank users by
 * runway (UsageSql.runways). Written only by the folder, under the watermark's lock: the batch that folds a user's
 * entries rewrites the user's row in its transaction, and once a tenant's day changes every row of the tenant is
 * recomputed for the new day (every user's 14 pace days slid).
 */
@Repository
class KeptRunways {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    KeptRunways(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * In the folding batch's transaction, after the watermark moved from {@code fromTx} to {@code toTx}: the rows of
     * the users with entries in between, of tenants whose rows are computed. A user whose account has moved on since
     * (an entry after the watermark, already committed) gets a row that no reader uses until the batch that folds
     * that entry rewrites it.
     */
    void keepTouched(long fromTx, long toTx) {
        jdbc.sql(UPSERT.formatted("z.runways_on", """
                from (select distinct e.tenant_id, e.user_id from ledger_entries e
                       where e.tx > :from and e.tx <= :to and e.user_id is not null) t
                join usage_zones z on z.tenant_id = t.tenant_id and z.runways_on is not null
                join accounts a on a.tenant_id = t.tenant_id and a.user_id = t.user_id
                cross join lateral (
                    select coalesce(sum(d.consumed), 0)::bigint as consumed from usage_daily d
                     where d.tenant_id = t.tenant_id and d.user_id = t.user_id and d.day >= z.runways_on - :before
                ) p
                """))
                .param("from", fromTx).param("to", toTx).param("before", Runway.PACE_DAYS - 1).update();
    }

    /** Recomputes every tenant whose rows are not for its today (new tenants, a new day, a new zone); returns how many. */
    int recomputeDue(Instant now) {
        var due = jdbc.sql("""
                select tenant_id, (:now at time zone time_zone)::date from usage_zones
                 where runways_on is null or runways_on < (:now at time zone time_zone)::date
                """).param("now", now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Due(new TenantId(rs.getObject(1, UUID.class)), rs.getObject(2, LocalDate.class)))
                .list();
        due.forEach(this::recompute);
        return due.size();
    }

    private record Due(TenantId tenant, LocalDate today) {
    }

    /**
     * Every row of the tenant for {@code today}, in one transaction under the watermark's lock (no batch meanwhile).
     * Skipped when another run (another instance, or a fold called while the job ran) recomputed it while this one
     * waited for the lock: recomputed again, the rows would be rewritten from a list read before that run committed.
     */
    private void recompute(Due due) {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("select 1 from usage_watermark for update").query(Integer.class).single();
            boolean stillDue = jdbc.sql("""
                    select runways_on is null or runways_on < ? from usage_zones where tenant_id = ?""")
                    .params(due.today(), due.tenant().value()).query(Boolean.class).optional().orElse(true);
            if (!stillDue) {
                return;
            }
            jdbc.sql("delete from user_runways where tenant_id = ?").param(due.tenant().value()).update();
            jdbc.sql(UPSERT.formatted(":today", """
                    from accounts a
                    left join (
                        select d.user_id, sum(d.consumed)::bigint as consumed from usage_daily d
                         where d.tenant_id = :tenant and d.day >= :today - :before
                         group by d.user_id
                    ) p on p.user_id = a.user_id
                    where a.tenant_id = :tenant
                    """))
                    .param("tenant", due.tenant().value()).param("today", due.today())
                    .param("before", Runway.PACE_DAYS - 1).update();
            jdbc.sql("update usage_zones set runways_on = ? where tenant_id = ?")
                    .params(due.today(), due.tenant().value()).update();
        });
    }

    /** The row of an account {@code a} with its pace {@code p.consumed} (null for none), for the day given first. */
    private static final String UPSERT = """
            insert into user_runways as r (tenant_id, user_id, active, available, paced, lasts_until)
            select a.tenant_id, a.user_id, a.active, a.assigned - a.consumed - a.held, coalesce(p.consumed, 0),
                   coalesce(runs_out_on(a.assigned - a.consumed - a.held, p.consumed, %s), 'infinity')
              %s
            on conflict (tenant_id, user_id) do update
               set active = excluded.active, available = excluded.available, paced = excluded.paced,
                   lasts_until = excluded.lasts_until
            """;
}
