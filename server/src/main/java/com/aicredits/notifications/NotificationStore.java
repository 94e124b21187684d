package com.aicredits.notifications;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for the notification centre (V23__notifications.sql); every statement is scoped to tenant and person. */
@Repository
class NotificationStore {

    /** A person to tell: their id, name and e-mail, as the directory's people view has them. */
    record Person(UserId id, String name, String email) {
    }

    private final JdbcClient jdbc;

    NotificationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(TenantId tenant, UserId user, String type, String title, String body, String link, UUID subject,
            Instant at) {
        jdbc.sql("""
                insert into notifications (tenant_id, user_id, type, title, body, link, subject, at)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                """)
                .params(tenant.value(), user.value(), type, title, body, link, subject, at.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** Marks every unread notification of this type about {@code subject} read, whoever it went to; how many. */
    int markReadAbout(TenantId tenant, String type, UUID subject, Instant now) {
        return jdbc.sql("""
                update notifications set read_at = ?
                 where tenant_id = ? and type = ? and subject = ? and read_at is null
                """).params(now.atOffset(ZoneOffset.UTC), tenant.value(), type, subject).update();
    }

    List<Notification> newest(TenantId tenant, UserId user, boolean unreadOnly, int limit) {
        return jdbc.sql("""
                select id, type, title, body, at, read_at is not null as read, link
                  from notifications
                 where tenant_id = ? and user_id = ? and (not ? or read_at is null)
                 order by at desc, id limit ?
                """)
                .params(tenant.value(), user.value(), unreadOnly, limit)
                .query((rs, n) -> new Notification(rs.getObject("id", UUID.class), rs.getString("type"),
                        rs.getString("title"), rs.getString("body"), rs.getObject("at", java.time.OffsetDateTime.class).toInstant(),
                        rs.getBoolean("read"), rs.getString("link")))
                .list();
    }

    long unread(TenantId tenant, UserId user) {
        return jdbc.sql("select count(*) from notifications where tenant_id = ? and user_id = ? and read_at is null")
                .params(tenant.value(), user.value()).query(Long.class).single();
    }

    /** Marks the person's own notifications among {@code ids} read; ids of anyone else's match nothing. */
    int markRead(TenantId tenant, UserId user, Collection<UUID> ids, Instant now) {
        return jdbc.sql("""
                update notifications set read_at = ?
                 where tenant_id = ? and user_id = ? and read_at is null and id = any(?)
                """)
                .params(now.atOffset(ZoneOffset.UTC), tenant.value(), user.value(), ids.toArray(UUID[]::new)).update();
    }

    int markAllRead(TenantId tenant, UserId user, Instant now) {
        return jdbc.sql("update notifications set read_at = ? where tenant_id = ? and user_id = ? and read_at is null")
                .params(now.atOffset(ZoneOffset.UTC), tenant.value(), user.value()).update();
    }

    /** The tenant's active admins: who hears about the pool and about credit requests. */
    List<Person> admins(TenantId tenant) {
        return jdbc.sql("select id, name, email from people where tenant_id = ? and role = 'Admin' and active order by email")
                .params(tenant.value())
                .query((rs, n) -> new Person(new UserId(rs.getObject("id", UUID.class)), rs.getString("name"), rs.getString("email")))
                .list();
    }

    java.util.Optional<Person> person(TenantId tenant, UserId user) {
        return jdbc.sql("select id, name, email from people where tenant_id = ? and id = ?")
                .params(tenant.value(), user.value())
                .query((rs, n) -> new Person(new UserId(rs.getObject("id", UUID.class)), rs.getString("name"), rs.getString("email")))
                .optional();
    }
}
