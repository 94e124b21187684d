package com.aicredits.canvas.ui;

import com.aicredits.access.Caller;
import com.aicredits.canvas.Canvas;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Balance;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.TenantId;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/** The Canvas page: ask the model, read earlier conversations, watch the balance move. Any signed-in user. */
@Controller
@RequestMapping("/app/tenants/{tenantId}/canvas")
public class CanvasScreen {

    private final Canvas canvas;
    private final Ledger ledger;
    private final Directory directory;

    CanvasScreen(Canvas canvas, Ledger ledger, Directory directory) {
        this.canvas = canvas;
        this.ledger = ledger;
        this.directory = directory;
    }

    /** The balance line, and in words why no question can be asked (null when one can). */
    public record BalanceView(String available, String remaining, String held, boolean canStart, boolean negative,
            String lockedBecause) {
        static BalanceView of(Balance b, boolean userActive) {
            return new BalanceView(b.available().toDisplayString(), b.remaining().toDisplayString(), b.held().toDisplayString(), b.canStart(),
                    b.remaining().isNegative(), lockedBecause(b, userActive));
        }

        // A deactivated account, an allocation closed by an admin (or never opened) and credits used up each read
        // differently: the person is told which, and (but for the first) offered the request form beside it.
        private static String lockedBecause(Balance b, boolean userActive) {
            if (b.canStart()) {
                return null;
            }
            if (!userActive) {
                return "Your account is deactivated, so AI requests cannot start. Your earlier conversations stay readable.";
            }
            if (!b.active()) {
                return "You have no AI credits: an administrator has not assigned any, or removed them. "
                        + "Contact your administrator or request credits below; your earlier conversations stay readable.";
            }
            if (b.remaining().isPositive()) {
                return "Your remaining credits are held by questions still running. Try again when they finish.";
            }
            return "Your AI credits are used up. Contact your administrator or request more credits below; your earlier conversations stay readable.";
        }
    }

    public record MessageView(String author, String content, String cost) {
    }

    @GetMapping
    String start(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller, Model model) {
        return page(tenantId, null, caller, model);
    }

    @GetMapping("/c/{conversationId}")
    String conversation(@PathVariable TenantId tenantId, @PathVariable UUID conversationId,
            @AuthenticationPrincipal Caller caller, Model model) {
        return page(tenantId, conversationId, caller, model);
    }

    @GetMapping("/status")
    String status(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller, Model model) {
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("balance", balance(tenantId, person(caller)));
        return "canvas/page :: status";
    }

    @GetMapping("/list")
    String list(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller, Model model) {
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("conversations", canvas.conversations(tenantId, person(caller).userId()));
        return "canvas/page :: list";
    }

    @PostMapping("/ask")
    String ask(@PathVariable TenantId tenantId, @RequestParam(required = false) UUID conversationId,
            @RequestParam(required = false) String question, @AuthenticationPrincipal Caller caller, Model model,
            HttpServletResponse response) {
        var person = person(caller);
        var asked = canvas.ask(tenantId, person.userId(), new Actor("canvas:" + person.name()), conversationId, question);
        UUID shown = conversationId;
        switch (asked) {
            case Canvas.Asked.Answered answered -> {
                shown = answered.conversationId();
                response.setHeader("HX-Push-Url", "/app/tenants/" + tenantId + "/canvas/c/" + shown);
                response.setHeader("HX-Trigger", "conversations-changed");
            }
            case Canvas.Asked.Failed failed -> {
                shown = failed.conversationId();
                model.addAttribute("failure", failed.message());
                response.setHeader("HX-Trigger", "conversations-changed");
            }
            case Canvas.Asked.Blocked blocked -> {
                model.addAttribute("blocked", blocked.message());
                model.addAttribute("draft", question);
                response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            }
            case Canvas.Asked.Invalid invalid -> {
                model.addAttribute("blocked", invalid.message());
                model.addAttribute("draft", question);
                response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            }
        }
        fill(tenantId, shown, person, model);
        return "canvas/page :: thread";
    }

    private String page(TenantId tenantId, UUID conversationId, Caller caller, Model model) {
        var person = person(caller);
        var tenant = directory.tenant(tenantId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("tenant", tenant);
        model.addAttribute("conversations", canvas.conversations(tenant.id(), person.userId()));
        model.addAttribute("modelLabel", canvas.modelLabel());
        model.addAttribute("standIn", canvas.usesStandIn());
        fill(tenantId, conversationId, person, model);
        return "canvas/page";
    }

    private void fill(TenantId tenantId, UUID conversationId, Caller person, Model model) {
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("balance", balance(tenantId, person));
        model.addAttribute("conversationId", conversationId);
        if (conversationId != null) {
            var conversation = canvas.conversation(tenantId, person.userId(), conversationId)
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
            model.addAttribute("title", conversation.title());
            model.addAttribute("messages", conversation.messages().stream()
                    .map(m -> new MessageView(m.author(), m.content(), m.cost() == null ? null : m.cost().toDisplayString())).toList());
        } else {
            model.addAttribute("title", "New conversation");
            model.addAttribute("messages", java.util.List.of());
        }
    }

    private BalanceView balance(TenantId tenantId, Caller person) {
        boolean active = directory.user(tenantId, person.userId()).map(u -> u.active()).orElse(false);
        return BalanceView.of(ledger.balance(tenantId, person.userId())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)), active);
    }

    /** The Canvas is for people: API keys have no conversations. */
    private static Caller person(Caller caller) {
        if (caller == null || caller.userId() == null) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "the Canvas is for signed-in users");
        }
        return caller;
    }
}
