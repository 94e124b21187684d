package com.aicredits.browser;

import static com.aicredits.browser.AdminTenant.dialog;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.notifications.Notification;
import com.aicredits.notifications.Notifications;
import com.aicredits.requests.CreditRequest;
import com.aicredits.requests.CreditRequest.Status;
import com.aicredits.requests.CreditRequests;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/** The admins' Credit requests page: a decline is confirmed first, and what a decision did stays on screen. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreditRequestDecisionsTest extends AdminBrowserTest {

    @Autowired CreditRequests requests;
    @Autowired Notifications notifications;

    @Test
    void decline_asks_first_and_the_reason_typed_there_is_given_to_the_requester() {
        var request = file(tenant.grace, 40, "a report due Friday");
        Page page = requestsPage();

        declineButton(page, "Grace Planner").click();
        assertThat(dialog(page)).isVisible();
        assertThat(dialog(page)).containsText("Grace Planner");
        assertThat(dialog(page)).containsText("40 credits");
        Axe.check(page, "decline dialog");
        Browser.screenshot(page, "decline-dialog");
        button(dialog(page), "Cancel").click();
        assertThat(dialog(page)).hasCount(0);
        assertThat(status(request)).isEqualTo(Status.PENDING);

        declineButton(page, "Grace Planner").click();
        dialog(page).getByLabel("Reason").fill("Budget is frozen until January");
        assertThat(status(request)).isEqualTo(Status.PENDING); // nothing is decided before the confirmation
        button(dialog(page), "Decline request").click();

        assertThat(dialog(page)).hasCount(0);
        assertThat(page.locator("#request-list tr[data-status=DECLINED]")).containsText("Budget is frozen until January");
        var declined = requests.request(tenant.id, request.id()).orElseThrow();
        assertThat(declined.status()).isEqualTo(Status.DECLINED);
        assertThat(declined.decisionNote()).isEqualTo("Budget is frozen until January");
        assertThat(notifications.inbox(tenant.id, tenant.grace, false).items()).map(Notification::body)
                .anySatisfy(body -> assertThat(body).contains("declined").endsWith("Reason: Budget is frozen until January"));
    }

    @Test
    void a_decline_confirmed_after_another_admin_approved_the_request_is_refused_in_the_dialog() {
        var request = file(tenant.grace, 40, "a report due Friday");
        Page page = requestsPage();
        declineButton(page, "Grace Planner").click();
        assertThat(button(dialog(page), "Decline request")).isVisible();
        requests.approve(tenant.id, request.id(), null, null, "another admin").orElseThrow();

        button(dialog(page), "Decline request").click();

        assertThat(dialog(page).getByRole(AriaRole.ALERT)).containsText("already approved");
        assertThat(status(request)).isEqualTo(Status.APPROVED);
        button(dialog(page), "OK").click();
        assertThat(dialog(page)).hasCount(0);
    }

    /**
     * Each decision changes what the page shows live, so the list is redrawn a moment later by its live refresh:
     * the message saying what the decision did must outlive that redraw, in a status region that was already on
     * the page (a screen reader announces changes to a live region, not a region that arrives with its text).
     */
    @Test
    void the_message_after_an_approval_or_a_decline_outlives_the_live_refresh_and_is_a_status() {
        file(tenant.grace, 40, "a report due Friday");
        file(tenant.linus, 30, "onboarding");
        Page page = requestsPage();
        countRefreshesAfterDecisions(page);
        page.evaluate("() => window.statusRegions = [...document.querySelectorAll('[role=status]')]");

        button(card(page, "Grace Planner"), "Approve the request of Grace Planner").click();
        refreshAfterDecision(page, 1);
        var approved = page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("Approved: Grace Planner, 40 credits."));
        assertThat(approved).isVisible();

        declineButton(page, "Linus Waiting").click();
        button(dialog(page), "Decline request").click();
        refreshAfterDecision(page, 2);
        var declined = page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("Declined: Linus Waiting, 30 credits."));
        assertThat(declined).isVisible();
        assertThat(approved).hasCount(0); // the newer message replaced it
        assertThat((Boolean) page.evaluate("() => window.statusRegions.some(r => r.isConnected && r.textContent.includes('Declined: Linus'))"))
                .as("the message is in a status region that was on the page before the decisions").isTrue();
    }

    /**
     * A live redraw of the list that lands while an Approve is on its way must wait for it: it would take the
     * Approve's form off the page, and htmx would put the answer, with its message out of band, into the removed
     * list, where nobody sees it. The list is redrawn once the approval is answered, with what changed meanwhile.
     */
    @Test
    void the_message_after_an_approval_is_not_lost_to_a_live_redraw_landing_while_the_approval_is_on_its_way() {
        file(tenant.grace, 40, "a report due Friday");
        Page page = requestsPage();
        var held = HeldAnswer.first(page, "**/credits/requests/*/approve");
        button(card(page, "Grace Planner"), "Approve the request of Grace Planner").click();
        held.awaitRead(page);
        file(tenant.linus, 30, "onboarding"); // after the approval's answer was drawn: only a redraw shows it
        // window.listRedraws: the answers to the list's own redraws since now, one told of as the stream would be.
        page.evaluate("""
                () => { window.listRedraws = 0;
                        document.body.addEventListener('htmx:beforeSwap', e => {
                            if (e.detail.requestConfig.elt.id === 'request-list') { window.listRedraws++; }
                        });
                        document.body.dispatchEvent(new CustomEvent('live-requests')); }""");
        page.waitForFunction("() => window.listRedraws >= 1");

        held.show();

        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions()
                .setHasText("Approved: Grace Planner, 40 credits."))).isVisible();
        assertThat(page.locator("#request-list tr[data-status=APPROVED]")).containsText("Grace Planner");
        assertThat(card(page, "Linus Waiting")).isVisible();
    }

    /**
     * The amount is pre-filled as the page shows it, thousands separated by a comma; approved as it stands, it is
     * granted (it was refused as "credits must be a number").
     */
    @Test
    void a_request_of_thousands_of_credits_is_approved_as_pre_filled() {
        tenant.ledger.purchase(tenant.id, Credits.of(5000), "PO-2", null, AdminTenant.SEED, null);
        var request = file(tenant.linus, 1500, "a quarter's reports");
        Page page = requestsPage();
        countRefreshesAfterDecisions(page);
        assertThat(card(page, "Linus Waiting").getByLabel("Credits")).hasValue("1,500");

        button(card(page, "Linus Waiting"), "Approve the request of Linus Waiting").click();
        page.waitForFunction("() => window.decisions === 1");
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions()
                .setHasText("Approved: Linus Waiting, 1,500 credits."))).isVisible();
        assertThat(status(request)).isEqualTo(Status.APPROVED);
    }

    /**
     * Waits for the answer to the {@code decisions}th decision, then for a redraw of the list by its live refresh
     * after it. The decision's own live message may be heard before its answer is shown, so the page is also told
     * of one more, as a message from the stream would (live.js: live-requests).
     */
    private static void refreshAfterDecision(Page page, int decisions) {
        page.waitForFunction("n => window.decisions === n", decisions);
        page.evaluate("() => document.body.dispatchEvent(new CustomEvent('live-requests'))");
        page.waitForFunction("() => window.refreshesAfterDecision >= 1");
    }

    /**
     * window.decisions: the decisions whose answers were shown; window.refreshesAfterDecision: the list's redraws by
     * its live refresh since the last of them.
     */
    private static void countRefreshesAfterDecisions(Page page) {
        page.evaluate("""
                () => { window.decisions = 0; window.refreshesAfterDecision = 0; const seen = new WeakSet();
                        document.body.addEventListener('htmx:afterSwap', e => {
                            if (seen.has(e.detail.xhr)) { return; } // one event per element swapped in
                            seen.add(e.detail.xhr);
                            const verb = e.detail.requestConfig && e.detail.requestConfig.verb;
                            if (verb === 'post') { window.decisions++; window.refreshesAfterDecision = 0; }
                            else if (verb === 'get' && e.detail.target.id === 'request-list') { window.refreshesAfterDecision++; }
                        }); }""");
    }

    private CreditRequest file(UserId user, long credits, String reason) {
        return requests.file(tenant.id, user, Credits.of(credits), reason, "test").orElseThrow();
    }

    private Status status(CreditRequest request) {
        return requests.request(tenant.id, request.id()).orElseThrow().status();
    }

    private Page requestsPage() {
        return admin(tenant.app() + "/credits/requests");
    }

    private static Locator card(Page page, String name) {
        return page.locator("#request-list [data-request]").filter(new Locator.FilterOptions().setHasText(name));
    }

    private static Locator declineButton(Page page, String name) {
        return button(card(page, name), "Decline the request of " + name);
    }

    private static Locator button(Locator within, String name) {
        return within.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
    }
}
