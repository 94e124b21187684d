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
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Issue 11's feedback and orientation: toasts, highlighted rows, cards that lead somewhere, the Canvas's lock. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminFeedbackTest extends AdminBrowserTest {

    @Autowired Canvas canvas;

    @Test
    void after_a_change_a_toast_says_what_happened_with_a_link_to_the_history_and_the_row_is_highlighted() {
        Page page = admin();
        row(page, "Grace Planner").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credits to Grace Planner")).click();
        dialog(page).getByLabel("Credits to add").fill("25");
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add Credits")).click();

        var toast = page.locator("#toasts [data-toast]");
        assertThat(toast).containsText("Added 25 credits to Grace Planner.");
        assertThat(toast.getByRole(AriaRole.LINK)).hasAttribute("href", tenant.app() + "/credits/users/" + tenant.grace + "/history");
        assertThat(row(page, "Grace Planner")).hasClass(Pattern.compile("\\bchanged\\b"));
        assertThat(row(page, "Ken Viewer")).not().hasClass(Pattern.compile("\\bchanged\\b"));
        Browser.screenshot(page, "toast-after-add");

        row(page, "Grace Planner").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove credits from Grace Planner")).click();
        dialog(page).getByLabel("Credits to remove").fill("125");
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove Credits")).click();
        assertThat(toast).containsText("Removed 125 credits from Grace Planner. The allocation ended");
    }

    @Test
    void every_admin_page_has_the_whole_navigation_and_the_delivery_log_shows_times_in_words() {
        // Signed in on no page: the loop opens every one, the landing page (/credits) first.
        Page page = browser.signedIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.DESKTOP);
        for (String path : java.util.List.of("/credits", "/users", "/settings", "/settings/webhooks", "/settings/sign-in", "/credits/requests",
                "/notifications", "/credits/purchases")) {
            page.navigate(tenant.app() + path);
            var nav = page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"));
            assertThat(nav.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("User Management"))).isVisible();
            assertThat(nav.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Canvas"))).isVisible();
            assertThat(nav.locator("#bell")).isVisible();
            assertThat(nav).containsText(tenant.email("admin"));
        }
        page.navigate(tenant.app() + "/settings/webhooks");
        Browser.whenLive(page); // the form posts through htmx, a deferred script
        page.getByLabel("URL").fill("https://hooks.example.invalid/orientation");
        page.getByLabel("All events").check();
        page.locator("#add-webhook-button").click();
        page.locator("[data-endpoint]").first().locator("button", new Locator.LocatorOptions().setHasText("Send test")).click();
        assertThat(page.locator("[data-delivery]").first()).containsText(Pattern.compile(
                "next at \\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d\\d:\\d\\d UTC"));
        assertThat(page.locator("main")).not().containsText(Pattern.compile("\\d{4}-\\d\\d-\\d\\dT"));
    }

    @Test
    void the_users_with_credits_card_counts_low_and_used_up_users_and_each_count_filters_the_table() {
        tenant.withCredits("Lou Low", "lou", 10, 9);
        Page page = admin();
        assertThat(page.locator("[data-card=low]")).hasText("1 low");
        assertThat(page.locator("[data-card=used-up]")).hasText("1 used up");

        page.locator("[data-card=used-up]").click();
        assertThat(page.locator("#state-filter")).hasValue("exhausted");
        assertThat(page.locator("#table tbody tr")).hasCount(1);
        assertThat(row(page, "Ken Viewer")).hasCount(1);

        page.locator("[data-card=low]").click();
        assertThat(page.locator("#state-filter")).hasValue("low");
        assertThat(page.locator("#table tbody tr")).hasCount(1);
        assertThat(row(page, "Lou Low")).hasCount(1);
    }

    Page canvasOf(String local) {
        return browser.signIn(tenant.email(local), AdminTenant.PASSWORD, tenant.app() + "/canvas");
    }

    @Test
    void on_the_canvas_the_lock_is_explained_next_to_the_question_box_removed_reads_differently_from_used_up() {
        // Linus never had credits / had them removed; Ursula used hers up.
        tenant.withCredits("Ursula Used", "ursula", 3, 3);
        Page removed = canvasOf("linus");
        var lock = removed.locator("#composer #composer-locked");
        assertThat(lock).isVisible();
        assertThat(lock).containsText("an administrator has not assigned any, or removed them");

        Page usedUp = canvasOf("ursula");
        assertThat(usedUp.locator("#composer #composer-locked")).containsText("Your AI credits are used up");
        // Right above the question box, not at the top of the page.
        var lockBox = usedUp.locator("#composer-locked").boundingBox();
        var questionBox = usedUp.getByLabel("Your question").boundingBox();
        assertThat(questionBox.y - (lockBox.y + lockBox.height)).isBetween(0.0, 40.0);
    }

    @Test
    void in_a_long_conversation_the_balance_stays_in_view_and_the_question_box_needs_no_scrolling() {
        UUID conversation = null;
        for (int i = 0; i < 12; i++) {
            var asked = canvas.ask(tenant.id, tenant.grace, new Actor("canvas:test"), conversation,
                    "Question " + i + ": which of our suppliers are late this week, and by how many days on average?");
            conversation = ((Canvas.Asked.Answered) asked).conversationId();
        }
        Page page = browser.signIn(tenant.email("grace"), AdminTenant.PASSWORD, tenant.app() + "/canvas/c/" + conversation);
        var question = page.getByLabel("Your question").boundingBox();
        assertThat(question.y + question.height).isLessThanOrEqualTo(900.0);
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)");
        var balance = page.locator("#canvas-balance").boundingBox();
        assertThat(balance.y).isGreaterThanOrEqualTo(-1.0);
        assertThat(page.locator("#canvas-balance").evaluate("e => getComputedStyle(e).position")).isEqualTo("sticky");
        Browser.screenshot(page, "canvas-long-conversation");
    }
}
