package com.aicredits.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static com.aicredits.browser.AdminTenant.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.ledger.RequestId;
import com.aicredits.requests.CreditRequests;
import com.aicredits.shared.Credits;
import com.microsoft.playwright.Page;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/** Live refreshes: every page with a stream hears every change, and none is lost, whatever the timing. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveRefreshTest extends AdminBrowserTest {

    @Autowired CreditRequests requests;

    /**
     * A redrawn table must listen from the moment it is on the page: a change heard a few milliseconds after a
     * redraw (a charge's live message right after an assignment's) redraws it again. htmx wires a swapped-in
     * element only when it settles, 20 ms later by default, and a message heard in between was lost.
     */
    @Test
    void a_change_heard_just_after_the_table_was_redrawn_redraws_it_again() {
        Page page = admin();
        var redraws = new AtomicInteger();
        page.onRequestFinished(request -> {
            if (request.url().contains("/credits/table")) {
                redraws.incrementAndGet();
            }
        });
        page.evaluate("""
                () => {
                    let first = true;
                    document.body.addEventListener('htmx:afterSwap', event => {
                        if (first && event.detail.target.id === 'table') {
                            first = false;
                            setTimeout(() => document.body.dispatchEvent(new CustomEvent('credits-changed')), 5);
                        }
                    });
                    document.body.dispatchEvent(new CustomEvent('credits-changed'));
                }""");

        page.waitForCondition(() -> redraws.get() >= 2);
        assertThat(redraws).hasValue(2);
    }

    /** The credit requests page has nothing else live on it: its list must still hear a request filed. */
    @Test
    void a_request_filed_while_the_admin_has_the_requests_page_open_appears_there() {
        Page page = admin(tenant.app() + "/credits/requests");
        assertThat(page.locator("#request-list")).containsText("No pending requests.");
        assertThat(page.locator("body")).not().containsText("null pending"); // the tab's count fragment is not drawn here

        requests.file(tenant.id, tenant.linus, Credits.of(40), "a report due Friday", "Linus Waiting");

        assertThat(page.locator("#request-list [data-request]")).hasCount(1);
        assertThat(page.locator("#request-list")).containsText("Linus Waiting");
    }

    /**
     * A change made while the usage panel is being redrawn (after the redraw read the figures, before it is
     * shown) is shown too: the panel's refreshes are limited to one every few seconds, and a message heard
     * meanwhile must lead to one more refresh, not be dropped.
     */
    @Test
    void a_charge_made_while_the_usage_panel_is_redrawn_is_shown_after_it() {
        Page page = admin();
        Browser.whenLive(page);
        UsageBrowserTest.waitForChart(page, "usage-by-feature");
        countMessages(page);
        // The first redraw after the first charge reads the figures at once but is shown only when the test says.
        var held = HeldAnswer.first(page, "**/credits/usage-panel**");
        charge(5);
        held.awaitRead(page);
        charge(3); // after the held redraw read its figures (22)
        page.waitForFunction("() => window.liveMessages >= 2");

        held.show();

        page.waitForFunction("() => { const c = Chart.getChart(document.getElementById('usage-by-feature'));"
                + " return c && Number(c.data.datasets[0].data.at(-1)) === 25; }");
        assertThat(page.locator("[data-usage-summary]")).containsText("consumed 25 credits");
    }

    /**
     * A live message heard while the admin's sort is on its way waits for it and then redraws the sorted table:
     * before, the live refresh replaced the request in flight with one for the view from before the click.
     */
    @Test
    void a_live_change_during_a_sort_keeps_the_sort_and_shows_the_change() {
        Page page = admin();
        Browser.whenLive(page);
        countMessages(page);
        var held = HeldAnswer.first(page, "**/credits/table?*sort=remaining*");
        page.locator("#table thead").getByText("Remaining").click();
        held.awaitRead(page);
        charge(3);
        page.waitForFunction("() => window.liveMessages >= 1");

        held.show();

        assertThat(page.locator("#table th[aria-sort=ascending]")).containsText("Remaining");
        assertThat(page.locator("#table tbody tr").first()).containsText("Ken Viewer");
        assertThat(row(page, "Grace Planner").locator("[data-col=consumed]")).hasText("3");
        assertThat(page.locator("#table th[aria-sort=ascending]")).containsText("Remaining"); // still
    }

    /** The same on a user's history: a live change during a filter change keeps the filter and is shown. */
    @Test
    void a_live_change_during_a_history_filter_keeps_the_filter_and_shows_the_change() {
        charge(3);
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "summarize",
                Credits.of(4), AdminTenant.SEED);
        Page page = admin(tenant.app() + "/credits/users/" + tenant.grace.value() + "/history");
        countMessages(page);
        var held = HeldAnswer.first(page, "**/history/lines?*feature=summarize*");
        page.locator("#history-feature").selectOption("summarize");
        held.awaitRead(page);
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "summarize",
                Credits.of(2), AdminTenant.SEED);
        page.waitForFunction("() => window.liveMessages >= 1");

        held.show();

        var lines = page.locator("[data-history-line]");
        assertThat(lines).hasCount(2);
        assertThat(lines.first()).containsText("\u22122");
        assertThat(lines.last()).containsText("\u22124");
        assertThat(page.locator("#history-feature")).hasValue("summarize");
    }

    /** window.liveMessages counts the messages the page hears, each once (every listener reports the same one). */
    private static void countMessages(Page page) {
        page.evaluate("() => { window.liveMessages = 0; const heard = new WeakSet();"
                + " document.addEventListener('htmx:sseMessage', e => { if (!heard.has(e.detail)) {"
                + " heard.add(e.detail); window.liveMessages++; } }); }");
    }

    private void charge(long credits) {
        ledger.charge(tenant.id, new RequestId(UUID.randomUUID().toString()), tenant.grace, "canvas",
                Credits.of(credits), AdminTenant.SEED);
    }
}
