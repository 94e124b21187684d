package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.ledger.BulkPreview.Figures;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The reads a bulk change needs, one statement each whatever the number of rows (up to 10,000): who the rows
 * name, through the directory's read view {@code people}, and their figures, from {@code account_standing}, the
 * view every balance reads.
 */
@Repository
class BulkStore {

    private final JdbcClient jdbc;

    BulkStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Person(UserId id, String email, boolean active) {
    }

    /** The registered users among those ids and e-mails (e-mails match regardless of case, as they are unique). */
    List<Person> people(TenantId tenant, Collection<UserId> ids, Collection<String> emails) {
        return jdbc.sql("""
                select id, email, active from people
                 where tenant_id = ? and (id = any(?::uuid[]) or lower(email) = any(?::text[]))
                """)
                .params(tenant.value(), ids.stream().map(id -> id.value().toString()).toArray(String[]::new),
                        emails.stream().map(BulkStore::emailKey).toArray(String[]::new))
                .query((rs, n) -> new Person(new UserId(rs.getObject("id", UUID.class)), rs.getString("email"),
                        rs.getBoolean("active")))
                .list();
    }

    /** The table's figures of each user (all zero for one never allocated credits). */
    Map<UserId, Figures> figures(TenantId tenant, Collection<UserId> users) {
        var figures = new HashMap<UserId, Figures>();
        jdbc.sql("""
                select user_id, assigned, consumed, remaining from account_standing
                 where tenant_id = ? and user_id = any(?::uuid[])
                """)
                .params(tenant.value(), users.stream().map(id -> id.value().toString()).toArray(String[]::new))
                .query(rs -> {
                    figures.put(new UserId(rs.getObject("user_id", UUID.class)), new Figures(
                            new Credits(rs.getLong("assigned")), new Credits(rs.getLong("consumed")),
                            new Credits(rs.getLong("remaining"))));
                });
        return figures;
    }

    /** How an e-mail is compared: users_email_per_tenant is unique on lower(email). */
    static String emailKey(String email) {
        return email.strip().toLowerCase(java.util.Locale.ROOT);
    }
}
