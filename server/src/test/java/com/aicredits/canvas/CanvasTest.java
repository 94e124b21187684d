package com.aicredits.canvas;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.TestClock;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.EntryType;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Each Canvas question as one paid AI request: authorize, ask the model, settle its real cost or void. */
@TestApplication
class CanvasTest extends CanvasTestContext {

    static final Actor ADMIN = new Actor("admin:test");
    static final Actor USER = new Actor("canvas:ada");

    @Autowired Canvas canvas;
    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TestClock clock;

    TenantId tenant;
    UserId ada;

    @BeforeEach
    void adaHas100Credits() {
        tenant = directory.createTenant("Canvas Co " + UUID.randomUUID()).id();
        ada = directory.register(tenant, new NewUser("Ada", "ada@canvas.example", Role.Planner)).orElseThrow().id();
        ledger.purchase(tenant, Credits.of(1000), "PO-1", null, ADMIN, null);
        ledger.assign(tenant, ada, Credits.of(100), null, ADMIN, null);
    }

    @Test
    void a_question_costs_what_the_model_reports_priced_by_the_table() {
        FakeChatModel.INSTANCE.replyNext(FakeChatModel.Reply.usage(1000, 2000)); // 0.5 + 3 credits

        var answered = (Canvas.Asked.Answered) canvas.ask(tenant, ada, USER, null, "Where is my shipment?");

        assertThat(answered.cost()).isEqualTo(((Credits.Entered.Valid) Credits.parse("3.5")).credits());
        assertThat(answered.remaining()).isEqualTo(((Credits.Entered.Valid) Credits.parse("96.5")).credits());
        var conversation = canvas.conversation(tenant, ada, answered.conversationId()).orElseThrow();
        assertThat(conversation.messages()).extracting(Canvas.Message::author).containsExactly("user", "assistant");
        assertThat(conversation.messages().getLast().cost()).isEqualTo(answered.cost());
        assertThat(FakeChatModel.INSTANCE.requests.getLast().get("messages").get(0).get("content").asString())
                .isEqualTo("Where is my shipment?");
        assertThat(ledger.entries(tenant, ada, null, 0, 5).items()).extracting(e -> e.type())
                .startsWith(EntryType.SETTLE, EntryType.AUTHORIZE);
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }

    @Test
    void a_follow_up_sends_the_whole_conversation_to_the_model() {
        var first = (Canvas.Asked.Answered) canvas.ask(tenant, ada, USER, null, "First question");
        canvas.ask(tenant, ada, USER, first.conversationId(), "Second question");

        var messages = FakeChatModel.INSTANCE.requests.getLast().get("messages");
        assertThat(messages.size()).isEqualTo(3);
        assertThat(messages.get(2).get("content").asString()).isEqualTo("Second question");
        assertThat(canvas.conversations(tenant, ada)).hasSize(1);
    }

    @Test
    void with_12_available_a_question_costing_17_is_answered_and_the_balance_shows_minus_5() {
        ledger.charge(tenant, new com.aicredits.ledger.RequestId("spent"), ada, "other", Credits.of(88), ADMIN);
        FakeChatModel.INSTANCE.replyNext(FakeChatModel.Reply.usage(34_000, 0)); // 34,000 × 0.5 / 1,000 = 17

        var answered = (Canvas.Asked.Answered) canvas.ask(tenant, ada, USER, null, "A long analysis, please");

        assertThat(answered.cost()).isEqualTo(Credits.of(17));
        assertThat(answered.remaining()).isEqualTo(Credits.of(-5));
        var blocked = canvas.ask(tenant, ada, USER, answered.conversationId(), "One more?");
        assertThat(blocked).isInstanceOf(Canvas.Asked.Blocked.class);
        assertThat(((Canvas.Asked.Blocked) blocked).message()).contains("contact your administrator");
        assertThat(canvas.conversation(tenant, ada, answered.conversationId()).orElseThrow().messages()).hasSize(2);
    }

    @Test
    void when_the_model_fails_the_hold_is_voided_and_nothing_is_charged() {
        FakeChatModel.INSTANCE.replyNext(new FakeChatModel.Reply(503, "", 0, 0, () -> { }));

        var failed = canvas.ask(tenant, ada, USER, null, "Anything");

        assertThat(failed).isInstanceOf(Canvas.Asked.Failed.class);
        var balance = ledger.balance(tenant, ada).orElseThrow();
        assertThat(balance.consumed()).isEqualTo(Credits.ZERO);
        assertThat(balance.held()).isEqualTo(Credits.ZERO);
        assertThat(ledger.entries(tenant, ada, EntryType.VOID, 0, 5).total()).isEqualTo(1);
    }

    @Test
    void a_model_call_that_outlives_the_hold_still_settles_once() {
        // While the model "thinks", 16 minutes pass and the sweeper releases the hold.
        FakeChatModel.INSTANCE.replyNext(new FakeChatModel.Reply(200, "Slow answer", 2000, 0, () -> {
            clock.advance(Duration.ofMinutes(16));
            ledger.expireHolds();
        }));

        var answered = (Canvas.Asked.Answered) canvas.ask(tenant, ada, USER, null, "Think hard");

        assertThat(answered.cost()).isEqualTo(Credits.of(1));
        var balance = ledger.balance(tenant, ada).orElseThrow();
        assertThat(balance.consumed()).isEqualTo(Credits.of(1));
        assertThat(balance.held()).isEqualTo(Credits.ZERO);
        assertThat(ledger.entries(tenant, ada, null, 0, 5).items()).extracting(e -> e.type())
                .startsWith(EntryType.SETTLE, EntryType.EXPIRE, EntryType.AUTHORIZE);
        assertThat(ledger.reconcile(tenant).drifts()).isEmpty();
    }

    @Test
    void a_user_without_credits_is_blocked_before_the_model_is_asked_and_nothing_is_stored() {
        var bob = directory.register(tenant, new NewUser("Bob", "bob@canvas.example", Role.Viewer)).orElseThrow().id();
        int calls = FakeChatModel.INSTANCE.requests.size();

        assertThat(canvas.ask(tenant, bob, USER, null, "Hello")).isInstanceOf(Canvas.Asked.Blocked.class);
        assertThat(FakeChatModel.INSTANCE.requests).hasSize(calls);
        assertThat(canvas.conversations(tenant, bob)).isEmpty();
    }

    @Test
    void another_users_conversation_cannot_be_read_or_continued() {
        var mine = (Canvas.Asked.Answered) canvas.ask(tenant, ada, USER, null, "Private question");
        var bob = directory.register(tenant, new NewUser("Bob", "bob2@canvas.example", Role.Planner)).orElseThrow().id();
        ledger.assign(tenant, bob, Credits.of(10), null, ADMIN, null);

        assertThat(canvas.conversation(tenant, bob, mine.conversationId())).isEmpty();
        assertThat(canvas.ask(tenant, bob, USER, mine.conversationId(), "Let me in")).isInstanceOf(Canvas.Asked.Invalid.class);
    }
}
