package com.aicredits.webhooks.ui;

import com.aicredits.directory.Directory;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.webhooks.Delivery;
import com.aicredits.webhooks.Endpoint;
import com.aicredits.webhooks.EndpointChange;
import com.aicredits.webhooks.EventTypes;
import com.aicredits.webhooks.Registered;
import com.aicredits.webhooks.Webhooks;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.server.ResponseStatusException;

/**
 * The Webhooks section of the settings: the endpoints (add one and see its secret once, turn it on or off, send a
 * test event, remove it) and each endpoint's delivery log with resend. Plain forms: every action is one POST and the
 * page it returns.
 */
@Controller
@RequestMapping("/app/tenants/{tenantId}/settings/webhooks")
class WebhooksScreen {

    private final Webhooks webhooks;
    private final Directory directory;

    WebhooksScreen(Webhooks webhooks, Directory directory) {
        this.webhooks = webhooks;
        this.directory = directory;
    }

    /** The model may hold {@code saved}: what the change just made says, carried over its redirect (a flash attribute). */
    @GetMapping
    String page(@PathVariable("tenantId") TenantId tenant, Model model) {
        return render(tenant, null, (String) model.getAttribute("saved"), null, "", List.of(), "", model);
    }

    @PostMapping
    String add(@PathVariable("tenantId") TenantId tenant, @RequestParam(defaultValue = "") String url,
            @RequestParam(required = false) List<String> events, @RequestParam(defaultValue = "") String description,
            Model model, HttpServletResponse response) {
        var chosen = events == null ? List.<String>of() : events;
        if (chosen.isEmpty()) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return render(tenant, null, null, "Choose the events to send, or All events.", url, chosen, description, model);
        }
        return switch (webhooks.register(tenant, url.strip(), chosen, description, null)) {
            case Outcome.Done<Registered>(var registered) -> {
                if (registered.unresolvedHost() != null) {
                    model.addAttribute("warning", "The name " + registered.unresolvedHost()
                            + " does not resolve now: deliveries to it fail and are retried until it does.");
                }
                yield render(tenant, registered, "Endpoint added.", null, "", List.of(), "", model);
            }
            case Refused<Registered> refused -> {
                response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
                yield render(tenant, null, null, refused.message(), url, chosen, description, model);
            }
        };
    }

    // The changes below answer with a redirect to the page they were made on (post/redirect/get): reloading it
    // then shows the page again instead of repeating the change or landing on a POST-only address.

    @PostMapping("/{id}/enabled")
    String enable(@PathVariable("tenantId") TenantId tenant, @PathVariable UUID id, @RequestParam boolean enabled,
            RedirectAttributes redirect) {
        found(webhooks.change(tenant, id, new EndpointChange(null, null, enabled, null)));
        return said(redirect, enabled ? "Endpoint turned on." : "Endpoint turned off.", page(tenant));
    }

    @PostMapping("/{id}/test")
    String test(@PathVariable("tenantId") TenantId tenant, @PathVariable UUID id, RedirectAttributes redirect) {
        found(webhooks.sendTest(tenant, id));
        // An endpoint that is off gets nothing, the test included, until it is turned on (OutboxStore's claim).
        boolean on = webhooks.endpoint(tenant, id).map(Endpoint::enabled).orElse(false);
        return said(redirect, on ? "Test event queued." : "Test event queued: it is sent once the endpoint is turned on.",
                page(tenant) + "/" + id);
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable("tenantId") TenantId tenant, @PathVariable UUID id, RedirectAttributes redirect) {
        // Already gone: removed from another window, or by another admin a moment ago.
        return said(redirect, webhooks.delete(tenant, id) ? "Endpoint removed." : "That endpoint was already removed.",
                page(tenant));
    }


    @PostMapping("/{id}/deliveries/{delivery}/resend")
    String resend(@PathVariable("tenantId") TenantId tenant, @PathVariable UUID id, @PathVariable UUID delivery,
            RedirectAttributes redirect) {
        found(webhooks.resend(tenant, id, delivery));
        return said(redirect, "Delivery queued again.", page(tenant) + "/" + id);
    }

    private static String said(RedirectAttributes redirect, String saved, String path) {
        redirect.addFlashAttribute("saved", saved);
        return "redirect:" + path;
    }

    private static String page(TenantId tenant) {
        return "/app/tenants/" + tenant.value() + "/settings/webhooks";
    }

    /** An endpoint's deliveries; the model may hold {@code saved}, as on {@link #page}. */
    @GetMapping("/{id}")
    String deliveries(@PathVariable("tenantId") TenantId tenant, @PathVariable UUID id, Model model) {
        var endpoint = webhooks.endpoint(tenant, id).orElseThrow(WebhooksScreen::notFound);
        List<Delivery> log = switch (webhooks.deliveries(tenant, id)) {
            case Outcome.Done<List<Delivery>>(var list) -> list;
            case Refused<List<Delivery>> refused -> throw notFound();
        };
        common(tenant, model);
        model.addAttribute("endpoint", endpoint);
        model.addAttribute("deliveries", log);
        return "webhooks/deliveries";
    }

    private String render(TenantId tenant, Registered registered, String saved, String error, String url,
            List<String> events, String description, Model model) {
        common(tenant, model);
        model.addAttribute("endpoints", webhooks.endpoints(tenant).orElseThrow(WebhooksScreen::notFound));
        model.addAttribute("registered", registered);
        model.addAttribute("saved", saved);
        model.addAttribute("error", error);
        model.addAttribute("url", url);
        model.addAttribute("chosen", events);
        model.addAttribute("description", description);
        model.addAttribute("types", EventTypes.SUBSCRIBABLE);
        return "webhooks/page";
    }

    private void common(TenantId tenant, Model model) {
        model.addAttribute("tenant", directory.tenant(tenant).orElseThrow(WebhooksScreen::notFound));
        model.addAttribute("base", "/app/tenants/" + tenant.value());
    }

    /** An unknown endpoint or delivery (another tenant's, or removed meanwhile) is a 404 page, not a failure. */
    private static void found(Outcome<?> outcome) {
        if (outcome instanceof Refused<?>) {
            throw notFound();
        }
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
}
