package com.aicredits.canvas;

import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for conversations; a user only ever reads their own. */
@Repository
class ConversationStore {

    private final JdbcClient jdbc;

    ConversationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void start(TenantId tenant, UserId user, UUID id, String title, Instant now) {
        jdbc.sql("insert into conversations (tenant_id, id, user_id, title, created_at, updated_at) values (?, ?, ?, ?, ?, ?)")
                .params(tenant.value(), id, user.value(), title, now.atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC))
                .update();
    }

    boolean owns(TenantId tenant, UserId user, UUID id) {
        return jdbc.sql("select count(*) from conversations where tenant_id = ? and id = ? and user_id = ?")
                .params(tenant.value(), id, user.value()).query(Long.class).single() == 1;
    }

    void append(TenantId tenant, UUID conversation, String author, String content, Credits cost, String requestId,
            Instant now) {
        jdbc.sql("""
                insert into conversation_messages (tenant_id, conversation_id, author, content, cost, request_id, created_at)
                values (?, ?, ?, ?, ?, ?, ?)
                """)
                .params(tenant.value(), conversation, author, content, cost == null ? null : cost.thousandths(), requestId,
                        now.atOffset(ZoneOffset.UTC))
                .update();
        jdbc.sql("update conversations set updated_at = ? where tenant_id = ? and id = ?")
                .params(now.atOffset(ZoneOffset.UTC), tenant.value(), conversation).update();
    }

    List<Canvas.ConversationSummary> conversations(TenantId tenant, UserId user) {
        return jdbc.sql("select id, title, updated_at from conversations where tenant_id = ? and user_id = ? order by updated_at desc")
                .params(tenant.value(), user.value())
                .query((rs, n) -> new Canvas.ConversationSummary(rs.getObject("id", UUID.class), rs.getString("title"),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    Optional<Canvas.Conversation> conversation(TenantId tenant, UserId user, UUID id) {
        if (!owns(tenant, user, id)) {
            return Optional.empty();
        }
        String title = jdbc.sql("select title from conversations where tenant_id = ? and id = ?")
                .params(tenant.value(), id).query(String.class).single();
        var messages = jdbc.sql("""
                select author, content, cost, created_at from conversation_messages
                 where tenant_id = ? and conversation_id = ? order by id
                """)
                .params(tenant.value(), id)
                .query((rs, n) -> new Canvas.Message(rs.getString("author"), rs.getString("content"),
                        rs.getObject("cost", Long.class) == null ? null : new Credits(rs.getLong("cost")),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list();
        return Optional.of(new Canvas.Conversation(id, title, messages));
    }
}
