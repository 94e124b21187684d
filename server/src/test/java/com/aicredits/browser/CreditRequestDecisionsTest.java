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

/** The admins' Credit requests page: a decline is confirmed first. */
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

    private CreditRequest file(UserId user, long credits, String reason) {
        return requests.file(tenant.id, user, Credits.of(credits), reason, "test").orElseThrow();
    }

    private Status status(CreditRequest request) {
        return requests.request(tenant.id, request.id()).orElseThrow().status();
    }

    private Page requestsPage() {
        Page page = admin();
        page.navigate(tenant.app() + "/credits/requests");
        Browser.whenLive(page);
        return page;
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
