package com.aicredits.canvas;

import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RequestId;
import com.aicredits.ledger.Settled;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Canvas: every question is one AI request, paid for the way any feature should pay: authorize with an
 * estimate (refused when the user has nothing available), ask the model, settle the real cost from the
 * tokens it reports (even past zero), or void the hold when the model fails. Earlier conversations stay
 * readable whatever the balance.
 */
@Service
@EnableConfigurationProperties(CanvasSettings.class)
public class Canvas {

    public static final String FEATURE = "canvas";
    public static final int MAX_QUESTION = 4000;
    private static final Logger log = LoggerFactory.getLogger(Canvas.class);

    private final Ledger ledger;
    private final ConversationStore conversations;
    private final CanvasSettings settings;
    private final ChatModel model;
    private final Clock clock;

    Canvas(Ledger ledger, ConversationStore conversations, CanvasSettings settings, JsonMapper json, Clock clock) {
        this.ledger = ledger;
        this.conversations = conversations;
        this.settings = settings;
        this.clock = clock;
        var configured = settings.model();
        this.model = configured.baseUrl() == null || configured.baseUrl().isBlank()
                ? new StandInModel()
                : new OpenAiCompatibleModel(configured.baseUrl(), configured.apiKey(), configured.name(), configured.timeout(), json);
    }

    public record ConversationSummary(UUID id, String title, Instant updatedAt) {
    }

    public record Message(String author, String content, Credits cost, Instant at) {
    }

    public record Conversation(UUID id, String title, List<Message> messages) {
    }

    /** What became of a question. */
    public sealed interface Asked {
        /** The model answered; {@code cost} was settled and {@code remaining} is the user's balance after it. */
        record Answered(UUID conversationId, Credits cost, Credits remaining) implements Asked {
        }

        /** The question was not asked: no credits available, too many running, no allocation. */
        record Blocked(String message) implements Asked {
        }

        /** The model failed; the hold was voided, nothing was charged. */
        record Failed(UUID conversationId, String message) implements Asked {
        }

        /** The question itself was unusable (empty, too long). */
        record Invalid(String message) implements Asked {
        }
    }

    public String modelLabel() {
        return model.label();
    }

    public boolean usesStandIn() {
        return model.isStandIn();
    }

    public List<ConversationSummary> conversations(TenantId tenant, UserId user) {
        return conversations.conversations(tenant, user);
    }

    public Optional<Conversation> conversation(TenantId tenant, UserId user, UUID id) {
        return conversations.conversation(tenant, user, id);
    }

    /** Asks in an existing conversation of the user's, or starts one when {@code conversationId} is null. */
    public Asked ask(TenantId tenant, UserId user, Actor actor, UUID conversationId, String question) {
        if (question == null || question.isBlank()) {
            return new Asked.Invalid("Type a question first.");
        }
        if (question.strip().length() > MAX_QUESTION) {
            return new Asked.Invalid("A question has at most " + MAX_QUESTION + " characters.");
        }
        if (conversationId != null && !conversations.owns(tenant, user, conversationId)) {
            return new Asked.Invalid("That conversation does not exist.");
        }
        var request = new RequestId(FEATURE + "-" + UUID.randomUUID());
        var estimate = Credits.parse(settings.estimate()).orElseThrow();
        if (ledger.authorize(tenant, request, user, FEATURE, estimate, actor) instanceof Refused<?> refused) {
            return new Asked.Blocked(refused.message());
        }
        UUID conversation = conversationId != null ? conversationId : UUID.randomUUID();
        if (conversationId == null) {
            conversations.start(tenant, user, conversation, title(question), now());
        }
        conversations.append(tenant, conversation, "user", question.strip(), null, null, now());
        var history = conversations.conversation(tenant, user, conversation).orElseThrow().messages().stream()
                .map(m -> new ChatModel.Turn(m.author(), m.content())).toList();
        ChatModel.Completion completion;
        try {
            completion = model.complete(history);
        } catch (ChatModel.Unavailable e) {
            log.warn("the model failed for {}: {}", request, e.getMessage());
            ledger.voidRequest(tenant, request, actor);
            return new Asked.Failed(conversation, "The model could not answer (" + e.getMessage() + "). Nothing was charged.");
        }
        var cost = Credits.parseCost(settings.cost(completion.promptTokens(), completion.completionTokens())).orElseThrow();
        // Settle is accepted even if the hold expired while the model was thinking (the cost is recorded once),
        // until the request's settle deadline, a day later by default.
        return switch (ledger.settle(tenant, request, cost, actor)) {
            case Outcome.Done<Settled>(var settled) -> {
                conversations.append(tenant, conversation, "assistant", completion.text(), cost, request.value(), now());
                yield new Asked.Answered(conversation, cost, settled.remaining());
            }
            case Refused<?> refused -> new Asked.Failed(conversation, "The answer came too late to be recorded ("
                    + refused.message() + "). Nothing was charged.");
        };
    }

    private static String title(String question) {
        String line = question.strip().lines().findFirst().orElse("Conversation");
        return line.length() > 60 ? line.substring(0, 57) + "…" : line;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
