package com.aicredits.notifications.ui;

import com.aicredits.access.Caller;
import com.aicredits.directory.Directory;
import com.aicredits.notifications.Notifications;
import com.aicredits.shared.Moments;
import com.aicredits.shared.TenantId;
import java.util.List;
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

/** The bell in the navigation bar of every page, and the list it opens. A person's own notifications only. */
@Controller
@RequestMapping("/app/tenants/{tenantId}/notifications")
class NotificationScreen {


    private final Notifications notifications;
    private final Directory directory;

    NotificationScreen(Notifications notifications, Directory directory) {
        this.notifications = notifications;
        this.directory = directory;
    }

    public record ItemView(String id, String type, String title, String body, String at, boolean read, String link) {
    }

    @GetMapping
    String page(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller, Model model) {
        var tenant = directory.tenant(tenantId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("tenant", tenant);
        list(tenantId, caller, model);
        return "notifications/page";
    }

    @GetMapping("/list")
    String list(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller, Model model) {
        var inbox = notifications.inbox(tenantId, person(caller), false);
        model.addAttribute("base", "/app/tenants/" + tenantId);
        model.addAttribute("unread", inbox.unread());
        List<ItemView> items = inbox.items().stream().map(n -> new ItemView(n.id().toString(), n.type(), n.title(), n.body(),
                Moments.shown(n.at()), n.read(), n.link())).toList();
        model.addAttribute("items", items);
        return "notifications/page :: list";
    }

    /** The bell's content: refreshed when the page hears of a change, so the count is live. */
    @GetMapping("/bell")
    String bell(@PathVariable TenantId tenantId, @AuthenticationPrincipal Caller caller, Model model) {
        model.addAttribute("unread", caller == null || caller.userId() == null ? 0 : notifications.unread(tenantId, caller.userId()));
        return "notifications/bell :: bell";
    }

    @PostMapping("/read")
    String read(@PathVariable TenantId tenantId, @RequestParam(required = false) UUID id,
            @AuthenticationPrincipal Caller caller, Model model) {
        if (id == null) {
            notifications.markAllRead(tenantId, person(caller));
        } else {
            notifications.markRead(tenantId, person(caller), List.of(id));
        }
        return list(tenantId, caller, model);
    }

    private static com.aicredits.shared.UserId person(Caller caller) {
        if (caller == null || caller.userId() == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "only people have notifications");
        }
        return caller.userId();
    }
}
