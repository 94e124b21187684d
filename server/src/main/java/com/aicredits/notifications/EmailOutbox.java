package com.aicredits.notifications;

import static com.aicredits.shared.SqlTime.at;

import com.aicredits.shared.TenantId;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for V25's {@code email_outbox}: e-mails written with the change that causes them, sent by {@link EmailWorker}. */
@Repository
class EmailOutbox {

    /** One claimed e-mail: what to send, and how many attempts it has had. */
    record Claimed(long id, String to, String subject, String body, int attempts) {
    }

    private final JdbcClient jdbc;

    EmailOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Written in the caller's transaction, due at once. */
    void add(TenantId tenant, String to, String subject, String body, Instant now) {
        jdbc.sql("insert into email_outbox (tenant_id, recipient, subject, body, created_at, next_at) values (?, ?, ?, ?, ?, ?)")
                .params(tenant.value(), to, subject, body, at(now), at(now)).update();
    }

    /**
     * Claims up to {@code batch} due e-mails for {@code token} until {@code leaseUntil}, across tenants. SKIP LOCKED
     * lets several instances claim at once without waiting for each other; the lease (not a transaction held open
     * over the SMTP conversation) keeps a claimed e-mail from every other worker until its outcome is recorded or
     * the lease runs out.
     */
    List<Claimed> claim(Instant now, Instant leaseUntil, UUID token, int batch) {
        return jdbc.sql("""
                update email_outbox o set lease_until = :leaseUntil, lease_token = :token
                 where o.id in (select due.id from email_outbox due
                                 where due.sent_at is null and due.failed_at is null and due.next_at <= :now
                                   and (due.lease_until is null or due.lease_until < :now)
                                 order by due.next_at
                                 limit :batch
                                   for update skip locked)
                returning o.id, o.recipient, o.subject, o.body, o.attempts
                """)
                .param("now", at(now)).param("leaseUntil", at(leaseUntil)).param("token", token).param("batch", batch)
                .query((rs, n) -> new Claimed(rs.getLong("id"), rs.getString("recipient"), rs.getString("subject"),
                        rs.getString("body"), rs.getInt("attempts")))
                .list();
    }

    /** Sent; false when the claim was lost (its lease ran out and another worker took the e-mail over). */
    boolean sent(long id, UUID token, Instant now) {
        return jdbc.sql("""
                update email_outbox set attempts = attempts + 1, sent_at = ?, lease_until = null, lease_token = null,
                       last_error = null
                 where id = ? and lease_token = ?""").params(at(now), id, token).update() == 1;
    }

    /** A failed attempt: due again at {@code next}, or given up ({@code failed_at}) when that is null. */
    boolean failed(long id, UUID token, Instant next, String error, Instant now) {
        return jdbc.sql("""
                update email_outbox set attempts = attempts + 1, last_error = :error, lease_until = null, lease_token = null,
                       next_at = coalesce(cast(:next as timestamptz), next_at),
                       failed_at = case when cast(:next as timestamptz) is null then cast(:now as timestamptz) end
                 where id = :id and lease_token = :token""")
                .param("error", error, Types.VARCHAR).param("next", next == null ? null : at(next), Types.TIMESTAMP_WITH_TIMEZONE)
                .param("now", at(now)).param("id", id).param("token", token).update() == 1;
    }

    /** Deletes e-mails sent or given up before {@code before}; how many. */
    int deleteFinished(Instant before) {
        return jdbc.sql("delete from email_outbox where (sent_at is not null or failed_at is not null) and created_at < ?")
                .params(at(before)).update();
    }
}
