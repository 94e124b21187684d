package com.aicredits.browser;

import static com.aicredits.browser.AdminTenant.dialog;
import static com.aicredits.browser.AdminTenant.row;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.canvas.Canvas;
import com.aicredits.directory.Directory;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RequestId;
import com.aicredits.shared.Credits;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * axe-core on every page and every open dialog, as Admin and as Planner, on a desktop and a 390×844 phone;
 * and the phone layout: collapsed navigation, no sideways page scroll, tables whose rows fit the screen.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessibilityTest extends AdminBrowserTest {

    @Autowired Canvas canvas;

    UUID conversation;

    /** Besides the fresh tenant: a user at zero (the End allocation dialog) and a Canvas conversation. */
    @BeforeEach
    void aUserAtZeroAndAConversation() {
        tenant.withCredits("Zed Zero", "zed", 10, 10);
        var asked = canvas.ask(tenant.id, tenant.grace, new Actor("canvas:test"), null, "Which supplier is late?");
        conversation = ((Canvas.Asked.Answered) asked).conversationId();
        // A pending credit request, so the admins' list has a request to approve or decline.
        requests.file(tenant.id, tenant.grace, com.aicredits.shared.Credits.of(5), "For the accessibility check", "test").orElseThrow();
    }

    @org.springframework.beans.factory.annotation.Autowired com.aicredits.requests.CreditRequests requests;

    /** Every violation found, as "where: rule …", so one run lists them all. */
    final List<String> found = new ArrayList<>();

    void check(Page page, String where) {
        Axe.atRest(page);
        Axe.violations(page).forEach(v -> found.add(where + ": " + v));
    }

    void open(Page page, String path) {
        page.navigate(tenant.app() + path);
        Browser.whenLive(page);
    }

    void openDialog(Page page, Locator opener, String where) {
        opener.click();
        assertThat(dialog(page)).isVisible();
        check(page, where);
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Close").setExact(true)).click();
        assertThat(dialog(page)).hasCount(0);
    }

    void everyAdminPage(int[] screen, String size) {
        Page page = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, screen);
        check(page, size + " admin credits");
        openDialog(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Assign User")), size + " assign dialog");
        openDialog(page, row(page, "Grace Planner").getByRole(AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("Add credits to Grace Planner")), size + " add dialog");
        openDialog(page, row(page, "Grace Planner").getByRole(AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("Remove credits from Grace Planner")), size + " remove dialog");
        openDialog(page, row(page, "Zed Zero").getByRole(AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("End allocation of Zed Zero")), size + " end dialog");
        // A refusal shown inline.
        row(page, "Grace Planner").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credits to Grace Planner")).click();
        dialog(page).getByLabel("Credits to add").fill("5000");
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add Credits")).click();
        assertThat(dialog(page).getByRole(AriaRole.ALERT)).isVisible();
        check(page, size + " add dialog refused");
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Close").setExact(true)).click();

        // Bulk changes: the action bar over selected rows, its preview, and the CSV upload dialog.
        Browser.tick(row(page, "Grace Planner").getByLabel("Select Grace Planner"));
        Browser.tick(row(page, "Ken Viewer").getByLabel("Select Ken Viewer"));
        page.locator("#bulk-bar").getByLabel("Credits each", new Locator.GetByLabelOptions().setExact(true)).fill("1");
        check(page, size + " bulk action bar");
        openDialog(page, page.locator("#bulk-bar").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Preview")),
                size + " bulk preview");
        openDialog(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Upload CSV")), size + " bulk upload dialog");

        open(page, "/credits/users/" + tenant.grace + "/history");
        check(page, size + " history");
        open(page, "/credits/purchases");
        check(page, size + " purchases");
        open(page, "/settings");
        check(page, size + " settings");
        // Webhooks: an endpoint added (its secret shown once), a test event queued, the delivery log.
        page.locator("#webhooks-link").click();
        Browser.whenLive(page);
        check(page, size + " webhooks");
        page.getByLabel("URL").fill("https://hooks.example.invalid/" + size.replace(' ', '-'));
        page.getByLabel("All events").check();
        page.locator("#add-webhook-button").click();
        assertThat(page.locator("[data-secret] code")).containsText("whsec_");
        check(page, size + " webhooks with a new secret");
        page.getByLabel("URL").fill("https://127.0.0.1/hook");
        page.getByLabel("All events").check();
        page.locator("#add-webhook-button").click();
        assertThat(page.locator("[data-error]")).containsText("only public addresses");
        check(page, size + " webhooks refused");
        page.locator("[data-endpoint]").first().locator("button", new Locator.LocatorOptions().setHasText("Send test")).click();
        assertThat(page.locator("[data-saved]")).hasText("Test event queued.");
        assertThat(page.locator("[data-delivery]").first()).containsText("webhook.test");
        check(page, size + " webhook deliveries");
        open(page, "/credits/requests");
        check(page, size + " credit requests");
        openDialog(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Decline the request of Grace Planner")),
                size + " decline request dialog");
        open(page, "/notifications");
        check(page, size + " admin notifications");
        open(page, "/users");
        check(page, size + " users");
        openDialog(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add User")), size + " add user dialog");
        openDialog(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Edit Grace Planner")), size + " edit user dialog");
        open(page, "/canvas");
        check(page, size + " admin canvas");
        page.context().close();
    }

    void everyPlannerPage(int[] screen, String size) {
        Page page = browser.signIn(tenant.email("grace"), AdminTenant.PASSWORD, screen);
        check(page, size + " planner me");
        open(page, "/canvas/c/" + conversation);
        check(page, size + " planner canvas");
        open(page, "/notifications");
        check(page, size + " planner notifications");
        page.context().close();
        // Locked: a planner without credits, and one whose credits are used up (the yellow banner's figures).
        Page locked = browser.signIn(tenant.email("linus"), AdminTenant.PASSWORD, screen);
        check(locked, size + " planner me without credits");
        open(locked, "/canvas");
        check(locked, size + " planner canvas without credits");
        locked.context().close();
        Page usedUp = browser.signIn(tenant.email("zed"), AdminTenant.PASSWORD, screen, tenant.app() + "/canvas");
        check(usedUp, size + " planner canvas used up");
        usedUp.context().close();
    }

    @Test
    void axe_finds_nothing_on_any_page_or_dialog_as_admin_or_planner_on_desktop_or_phone() {
        everyAdminPage(Browser.DESKTOP, "desktop");
        everyAdminPage(Browser.PHONE, "phone");
        everyPlannerPage(Browser.DESKTOP, "desktop");
        everyPlannerPage(Browser.PHONE, "phone");
        assertThat(found).as(String.join("\n", found)).isEmpty();
    }

    boolean scrollsSideways(Page page) {
        return (Boolean) page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth");
    }

    @Test
    void on_a_phone_the_navigation_collapses_the_table_narrows_and_no_page_scrolls_sideways() {
        Page page = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.PHONE);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Canvas"))).isHidden();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Menu")).click();
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Canvas"))).isVisible();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Menu")).click();

        assertThat(scrollsSideways(page)).as("credits page scrolls sideways").isFalse();
        var grace = row(page, "Grace Planner");
        assertThat(grace.locator("[data-col=remaining]")).isVisible();
        assertThat(grace.locator("[data-col=assigned]")).isHidden();
        // td 0 holds the row's checkbox (bulk changes), td 1 the name.
        assertThat(grace.locator("td").nth(2)).hasText(tenant.email("grace"));
        assertThat(grace.locator("td").nth(2)).isHidden();
        grace.getByText("Details").click();
        assertThat(grace.locator("details dd").first()).hasText(tenant.email("grace"));
        assertThat(grace.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credits to Grace Planner"))).isVisible();
        assertThat(grace.locator("[data-col=remaining]").evaluate("e => getComputedStyle(e).whiteSpace")).isEqualTo("nowrap");
        Browser.screenshot(page, "phone-ai-credits");

        for (String path : List.of("/credits/users/" + tenant.grace + "/history", "/credits/purchases", "/settings",
                "/settings/webhooks", "/users", "/canvas", "/credits/requests", "/notifications")) {
            page.navigate(tenant.app() + path);
            Browser.whenLive(page);
            assertThat(scrollsSideways(page)).as(path + " scrolls sideways; too wide: " + page.evaluate("""
                    () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1
                            && !(e.parentElement && e.parentElement.closest('.table-responsive')))
                        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
                        .concat([document.documentElement.scrollWidth + ' > ' + document.documentElement.clientWidth])
                    """)).isFalse();
        }
    }

    /**
     * An admin on a phone had to swipe inside the Users table to reach a user's Edit and Deactivate buttons: the row
     * now keeps the name, role, status and buttons on the screen, and the email and source behind Details.
     */
    @Test
    void on_a_phone_a_users_row_shows_the_role_status_and_buttons_without_scrolling_sideways() {
        Page page = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.PHONE, tenant.app() + "/users");
        var grace = page.locator("#user-list tbody tr").filter(new Locator.FilterOptions().setHasText("Grace Planner"));
        assertThat(grace).hasCount(1);

        fitsItsBox(page, "#user-list .table-responsive");
        onScreen(page, grace.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Grace Planner")));
        onScreen(page, grace.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit Grace Planner")));
        onScreen(page, grace.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Deactivate Grace Planner")));
        // td 0 holds the name, and on a phone the role and status under it; the other columns hide.
        onScreen(page, grace.locator("[data-phone-summary]"));
        assertThat(grace.locator("[data-phone-summary]")).hasText("Planner · Active");
        assertThat(grace.locator("td").nth(1)).hasText(tenant.email("grace"));
        assertThat(grace.locator("td").nth(1)).isHidden();
        assertThat(grace.locator("[data-source]")).isHidden();
        grace.getByText("Details").click();
        assertThat(grace.locator("details dd").first()).hasText(tenant.email("grace"));
        assertThat(grace.locator("details dd").nth(1)).hasText("Manual");
        onScreen(page, grace.locator("details dl"));
        fitsItsBox(page, "#user-list .table-responsive");
        assertThat(scrollsSideways(page)).isFalse();
        Axe.check(page, "phone users, a row's details open");
        Browser.screenshot(page, "phone-users");
    }

    /**
     * And inside a user's history to read a line's amount: the line now keeps what, when (under what), the signed
     * amount and the remaining after on the screen; the hold, who and the note join the request behind its Details.
     */
    @Test
    void on_a_phone_a_history_line_shows_when_what_the_amount_and_the_remaining_without_scrolling_sideways() {
        ledger.charge(tenant.id, new RequestId("phone-" + UUID.randomUUID()), tenant.grace, "summarize",
                Credits.parse("188.625").orElseThrow(), AdminTenant.SEED); // past zero
        ledger.add(tenant.id, tenant.grace, Credits.of(500), "For the quarterly forecast model", new Actor("admin:ops"), null)
                .orElseThrow();
        ledger.authorize(tenant.id, new RequestId("phone-running"), tenant.grace, "canvas", null, AdminTenant.SEED)
                .orElseThrow();
        Page page = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.PHONE,
                tenant.app() + "/credits/users/" + tenant.grace + "/history");
        var lines = page.locator("[data-history-line]");
        var charged = lines.filter(new Locator.FilterOptions().setHasText("summarize"));
        var added = lines.filter(new Locator.FilterOptions().setHasText("Added"));
        var running = lines.filter(new Locator.FilterOptions().setHasText("AI request running"));
        assertThat(charged.locator("[data-amount]")).hasText("\u2212188.625");
        // The remaining after beside it, with the same minus sign (it had a hyphen).
        assertThat(charged.locator("[data-col=remaining]")).hasText(Pattern.compile("^\u221288\\.\\d+$"));
        assertThat(added.locator("[data-amount]")).hasText("+500");

        fitsItsBox(page, ".history-scroll");
        for (var line : List.of(charged, added, running)) {
            // The date moves under what happened: four columns of that width do not fit the screen.
            assertThat(line.locator("[data-col=when]")).isHidden();
            onScreen(page, line.locator("[data-col=what] [data-phone-when]"));
            onScreen(page, line.locator("[data-col=what]"));
            onScreen(page, line.locator("[data-amount]"));
            onScreen(page, line.locator("[data-col=remaining]"));
            assertThat(line.locator("[data-col=by]")).isHidden();
        }
        assertThat(added.locator("[data-col=note]")).isHidden();
        assertThat(running.locator("[data-col=hold]")).isHidden();
        // Behind the line's Details: who, the note, the hold and the request, on the screen too.
        added.getByText("Details").click();
        assertThat(added.locator("details dl")).containsText("Admin: ops");
        assertThat(added.locator("details dl")).containsText("For the quarterly forecast model");
        onScreen(page, added.locator("details dl"));
        running.getByText("Details").click();
        assertThat(running.locator("details dl")).containsText("Hold");
        assertThat(running.locator("details dl")).containsText("phone-running");
        onScreen(page, running.locator("details dl"));
        fitsItsBox(page, ".history-scroll");
        assertThat(scrollsSideways(page)).isFalse();
        Axe.check(page, "phone history, two lines' details open");
        Browser.screenshot(page, "phone-history");
    }

    /** The table's own box does not scroll sideways: nothing in it is wider than the screen gives it. */
    @SuppressWarnings("unchecked")
    void fitsItsBox(Page page, String box) {
        var widths = (List<Number>) page.locator(box).evaluate("e => [e.scrollWidth, e.clientWidth]");
        assertThat(widths.get(0).intValue()).as(box + " scrolls sideways: scrollWidth > clientWidth " + widths)
                .isLessThanOrEqualTo(widths.get(1).intValue());
    }

    /** Visible, and inside the screen's width: no swipe needed to see or reach it. */
    void onScreen(Page page, Locator element) {
        assertThat(element).isVisible();
        var box = element.boundingBox();
        int screen = ((Number) page.evaluate("() => document.documentElement.clientWidth")).intValue();
        assertThat(box.x).as(element + " starts on the screen").isGreaterThanOrEqualTo(0);
        assertThat(box.x + box.width).as(element + " ends within the screen's " + screen + " px").isLessThanOrEqualTo(screen);
    }

    @Test
    void on_a_phone_the_canvas_question_box_is_on_the_first_screen_of_a_long_conversation() {
        for (int i = 0; i < 10; i++) {
            canvas.ask(tenant.id, tenant.grace, new Actor("canvas:test"), conversation, "Follow-up " + i + ": and the week after?");
        }
        Page page = browser.signIn(tenant.email("grace"), AdminTenant.PASSWORD, Browser.PHONE,
                tenant.app() + "/canvas/c/" + conversation);
        var question = page.getByLabel("Your question").boundingBox();
        assertThat(question.y + question.height).isLessThanOrEqualTo(844.0);
        assertThat(scrollsSideways(page)).isFalse();
        Browser.screenshot(page, "phone-canvas");
    }
}
