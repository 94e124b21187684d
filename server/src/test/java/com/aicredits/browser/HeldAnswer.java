package com.aicredits.browser;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The first request matching a pattern reaches the server and reads its answer at once, but the page gets that
 * answer only on {@link #show()}: what a slow answer is, made to last exactly as long as the test needs.
 */
final class HeldAnswer {
    private final AtomicReference<Route> route = new AtomicReference<>();
    private final AtomicReference<APIResponse> answer = new AtomicReference<>();

    static HeldAnswer first(Page page, String pattern) {
        var held = new HeldAnswer();
        page.route(pattern, route -> {
            if (held.route.get() == null) {
                held.answer.set(route.fetch());
                held.route.set(route);
            } else {
                route.resume();
            }
        });
        return held;
    }

    void awaitRead(Page page) {
        page.waitForCondition(() -> route.get() != null);
    }

    void show() {
        route.get().fulfill(new Route.FulfillOptions().setResponse(answer.get()));
    }
}
