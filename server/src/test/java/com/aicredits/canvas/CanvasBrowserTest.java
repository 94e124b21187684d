package com.aicredits.canvas;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.browser.Browser;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RequestId;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The Canvas in a real Chromium: asking, running out, being unblocked live by an admin. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CanvasBrowserTest extends CanvasTestContext {

    static final String PASSWORD = "canvas-browser-pw";
    static final Actor SEED = new Actor("seed");

    @LocalServerPort int port;
    @Autowired Directory directory;
    @Autowired Ledger ledger;

    Browser browser;
    TenantId tenant;
    UserId planner;
    String domain;

    @BeforeAll
    void startBrowser() {
        browser = new Browser(port);
    }

    @AfterAll
    void closeBrowser() {
        browser.close();
    }

    @BeforeEach
    void aPlannerWith12Credits() {
        tenant = directory.createTenant("Canvas Browser " + UUID.randomUUID()).id();
        domain = tenant.value().toString().substring(0, 8) + ".example";
        directory.register(tenant, new NewUser("Ada Admin", "ada@" + domain, Role.Admin, null, PASSWORD));
        planner = directory.register(tenant,
                new NewUser("Pat Planner", "pat@" + domain, Role.Planner, null, PASSWORD)).orElseThrow().id();
        ledger.purchase(tenant, Credits.of(1000), "PO-1", null, SEED, null);
        ledger.assign(tenant, planner, Credits.of(12), null, SEED, null);
    }

    Page canvas() {
        return browser.signIn("pat@" + domain, PASSWORD, "/app/tenants/" + tenant + "/canvas");
    }

    void ask(Page page, String question) {
        page.getByLabel("Your question").fill(question);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Ask")).click();
    }

    Locator balance(Page page, String name) {
        return page.locator("[data-balance=" + name + "]");
    }

    @Test
    void asking_a_question_shows_the_answer_with_its_cost_and_the_balance_drops_by_it() {
        Page page = canvas();
        assertThat(balance(page, "available")).hasText("12");
        FakeChatModel.INSTANCE.replyNext(FakeChatModel.Reply.usage(2000, 1000)); // 1 + 1.5 = 2.5 credits

        ask(page, "Which supplier is late?");

        assertThat(page.locator("[data-author=assistant]")).hasText("A fake answer.");
        assertThat(page.locator("[data-cost]")).hasText("Cost: 2.5 credits");
        assertThat(balance(page, "available")).hasText("9.5");
        assertThat(balance(page, "remaining")).hasText("9.5");
        assertThat(page.locator("#conversation-list")).containsText("Which supplier is late?");
        Browser.screenshot(page, "canvas-answer");
    }

    @Test
    void with_12_available_a_question_costing_17_completes_shows_minus_5_and_blocks_the_next_while_history_stays() {
        Page page = canvas();
        FakeChatModel.INSTANCE.replyNext(FakeChatModel.Reply.usage(34_000, 0)); // 17 credits

        ask(page, "Plan the whole quarter");

        assertThat(page.locator("[data-cost]")).hasText("Cost: 17 credits");
        assertThat(balance(page, "remaining")).hasText("-5");
        assertThat(page.getByLabel("Your question")).isDisabled();
        assertThat(page.locator("#canvas-balance")).containsText("Contact your administrator");
        // The conversation stays readable, also after a reload.
        page.reload();
        assertThat(page.locator("[data-author=user]")).hasText("Plan the whole quarter");
        assertThat(page.getByLabel("Your question")).isDisabled();
        Browser.screenshot(page, "canvas-blocked");
    }

    @Test
    void when_an_admin_adds_credits_in_another_window_the_question_box_comes_back_without_reload() {
        ledger.charge(tenant, new RequestId("spent-" + UUID.randomUUID()), planner, "other", Credits.of(12), SEED);
        Page page = canvas();
        assertThat(page.getByLabel("Your question")).isDisabled();
        page.getByLabel("Your question").evaluate("el => el.value = 'typed while blocked'");
        Browser.waitUntilLive(page);

        Page admin = browser.signIn("ada@" + domain, PASSWORD);
        admin.locator("#table tbody tr").filter(new Locator.FilterOptions().setHasText("Pat Planner"))
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credits to Pat Planner")).click();
        admin.locator("dialog[open]").getByLabel("Credits to add").fill("20");
        admin.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add Credits")).click();

        assertThat(page.getByLabel("Your question")).isEnabled();
        assertThat(balance(page, "available")).hasText("20");
        assertThat(page.getByLabel("Your question")).hasValue("typed while blocked");
        ask(page, "Now it works?");
        assertThat(page.locator("[data-author=assistant]")).hasCount(1);
    }

    @Test
    void a_locked_planner_requests_credits_an_admin_approves_in_another_window_and_the_canvas_unlocks_without_reload() {
        ledger.charge(tenant, new RequestId("spent-" + UUID.randomUUID()), planner, "other", Credits.of(12), SEED);
        Page admin = browser.signIn("ada@" + domain, PASSWORD, "/app/tenants/" + tenant + "/credits");
        Browser.waitUntilLive(admin);
        assertThat(admin.locator("#requests-tab")).hasText("Credit requests, 0 pending");

        Page page = canvas();
        assertThat(page.getByLabel("Your question")).isDisabled();
        assertThat(page.locator("#composer-locked")).containsText("used up");
        var form = page.locator("#request-credits");
        form.getByLabel("Credits").fill("30");
        form.getByLabel("Reason").fill("Quarter-end planning");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Request credits")).click();
        assertThat(page.locator("[data-request-pending]")).containsText("30");
        Browser.waitUntilLive(page);

        // The admin's count went up live; the admin approves another amount, with a note.
        assertThat(admin.locator("#requests-tab [data-pending-count]")).hasText("1");
        admin.locator("#requests-tab").click();
        var request = admin.locator("[data-request]").filter(new Locator.FilterOptions().setHasText("Pat Planner"));
        request.getByLabel("Credits").fill("25");
        request.getByLabel("Note").fill("25 for now");
        request.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Approve the request of Pat Planner")).click();
        assertThat(admin.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("Approved"))).containsText("Pat Planner");

        // The planner's Canvas unlocks without a reload, and the bell says why.
        assertThat(page.getByLabel("Your question")).isEnabled();
        assertThat(balance(page, "available")).hasText("25");
        assertThat(page.locator("#request-credits-slot")).isHidden();
        // Three unread: running low and running out (both on the 12-credit charge), then the approval.
        assertThat(page.locator("#bell [data-bell-count]")).hasText("3");
        Browser.screenshot(page, "canvas-request-approved");
        page.locator("#bell").click();
        assertThat(page.locator("[data-type='credit_request.approved']")).containsText("25 for now");
        assertThat(ledger.balance(tenant, planner).orElseThrow().assigned()).isEqualTo(Credits.of(37));
    }

    @Test
    void a_model_error_shows_a_message_and_charges_nothing() {
        Page page = canvas();
        FakeChatModel.INSTANCE.replyNext(new FakeChatModel.Reply(500, "", 0, 0, () -> { }));

        ask(page, "Will this fail?");

        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Nothing was charged");
        assertThat(balance(page, "available")).hasText("12");
        assertThat(ledger.balance(tenant, planner).orElseThrow().consumed()).isEqualTo(Credits.ZERO);
    }
}
