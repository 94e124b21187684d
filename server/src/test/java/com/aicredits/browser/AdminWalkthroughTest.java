package com.aicredits.browser;

import static com.aicredits.browser.AdminTenant.dialog;
import static com.aicredits.browser.AdminTenant.row;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.requests.CreditRequests;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a walkthrough as a new admin found in session 24: a page whose session ended, an allowance nobody could stop
 * from the tab, an admin able to lock themselves out, action buttons off the screen, webhook changes that left a
 * POST address behind, and an approval whose refusal lost what was typed.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminWalkthroughTest extends AdminBrowserTest {

    @Autowired CreditRequests requests;

    private static Locator button(Locator within, String name) {
        return within.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
    }

    @Test
    void a_page_whose_session_ended_sends_its_person_to_sign_in_and_says_why() {
        Page page = admin();
        page.context().clearCookies(); // as when the session expired or was ended elsewhere

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Assign User")).click();

        page.waitForURL("**/login?expired");
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Your session has ended");
        assertThat(page.locator("input#email")).hasCount(1);
        assertThat(page.locator("#table")).hasCount(0);
        Axe.atRest(page);
        Axe.check(page, "sign-in page after the session ended");
    }

    @Test
    void a_wrong_password_keeps_the_person_on_the_password_step_with_their_email() {
        Page page = browser.window(Browser.DESKTOP);
        page.navigate("/login");
        page.getByLabel("Email").fill(tenant.email("admin"));
        button(page.locator("main"), "Continue").click();
        page.getByLabel("Password").fill("not-the-password");
        button(page.locator("main"), "Sign in").click();

        assertThat(page.getByRole(AriaRole.ALERT)).hasText("Wrong email or password.");
        assertThat(page.getByLabel("Email")).hasValue(tenant.email("admin"));
        assertThat(page.getByLabel("Password")).isFocused();
        Axe.check(page, "sign-in page after a wrong password");

        page.getByLabel("Password").fill(AdminTenant.PASSWORD);
        button(page.locator("main"), "Sign in").click();
        page.waitForURL("**" + tenant.app() + "/credits");
        page.context().close();
    }

    @Test
    void a_person_never_given_credits_is_told_so_not_that_they_used_them_up() {
        Page linus = browser.signIn(tenant.email("linus"), AdminTenant.PASSWORD, tenant.app() + "/me");
        assertThat(linus.locator("[data-blocked]")).containsText("You have no AI credits");
        assertThat(linus.locator("[data-blocked]")).not().containsText("used up");
        Page ken = browser.signIn(tenant.email("ken"), AdminTenant.PASSWORD, tenant.app() + "/me");
        assertThat(ken.locator("[data-blocked]")).containsText("Your AI credits are used up");
    }

    /** On a phone the settings' default allowances and the bulk bar's allowance choices were cut to "Eve", "R", "Reset to the". */
    @Test
    void on_a_phone_the_allowance_choices_are_wide_enough_for_their_words() {
        Page settings = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.PHONE, tenant.app() + "/settings");
        var selects = settings.locator("[data-role-defaults] select");
        assertThat(selects).not().hasCount(0);
        for (int i = 0; i < selects.count(); i++) {
            assertThat(selects.nth(i).boundingBox().width).as("select %d", i).isGreaterThan(140);
        }
        assertThat((Boolean) settings.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scroll").isTrue();
        Page tab = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.PHONE, tenant.app() + "/credits");
        Browser.tick(row(tab, "Grace Planner").getByLabel("Select Grace Planner"));
        tab.locator("#bulk-operation").selectOption("allowance");
        assertThat(tab.locator("#bulk-mode").boundingBox().width).isGreaterThan(250);
        // The bar covers the table's bottom while it shows: with Set allowance's two choices it took 496 of 844 px
        // (373 with the credits beside the change and the note beside Preview).
        double bar = tab.locator("#bulk-bar").boundingBox().height;
        assertThat(bar).as("the bulk bar's height on a phone").isLessThan(Browser.PHONE[1] / 2.0);
    }

    /** A walkthrough of December 5: after a change made with the keyboard the focus fell to the page's start. */
    @Test
    void after_a_change_made_with_the_keyboard_the_focus_is_back_on_the_button_that_started_it() {
        Page page = admin();
        var add = page.locator("#add-" + tenant.grace);
        add.focus();
        page.keyboard().press("Enter");
        dialog(page).getByLabel("Credits to add").fill("5");
        page.keyboard().press("Enter");
        assertThat(page.locator("#toasts")).containsText("Added 5 credits to Grace Planner.");
        assertThat(dialog(page)).hasCount(0);
        assertThat(page.locator("#add-" + tenant.grace)).isFocused();

        // However long the dialog stays open (a review of December 5: after 5 s the focus was lost again).
        page.keyboard().press("Enter");
        dialog(page).getByLabel("Credits to add").fill("2");
        page.waitForTimeout(5_500);
        page.keyboard().press("Enter");
        assertThat(page.locator("#toasts")).containsText("Added 2 credits to Grace Planner.");
        assertThat(page.locator("#add-" + tenant.grace)).isFocused();
    }

    @Test
    void the_notifications_page_has_one_bell_the_one_in_the_navigation() {
        Page page = admin(tenant.app() + "/notifications");
        assertThat(page.locator("#bell .visually-hidden")).hasText(java.util.regex.Pattern.compile("Notifications: \\d+ unread"));
        assertThat(page.locator(".bi-bell")).hasCount(1);
        assertThat(page.getByText(java.util.regex.Pattern.compile("^Notifications: \\d+ unread$"))).hasCount(1);
    }

    @Test
    void an_allowance_is_shown_from_its_badge_and_the_admin_can_stop_it_keeping_what_was_granted() {
        ledger.allowances().set(tenant.id, tenant.grace, new AllowanceTerms(Credits.of(100), Period.MONTHLY, AllowanceMode.TOP_UP),
                null, AdminTenant.SEED).orElseThrow();
        Page page = admin();
        var badge = row(page, "Grace Planner").locator("[data-allowance]");
        badge.click();
        assertThat(dialog(page).locator("#allowance-title")).hasText("Allowance — Grace Planner");
        assertThat(dialog(page).locator("[data-terms]")).hasText("100 every month, topped up");
        Axe.atRest(page);
        Axe.check(page, "allowance dialog");
        button(dialog(page), "Cancel").click();
        assertThat(dialog(page)).hasCount(0);

        // Removing credits says the allowance goes on, and leads to where it stops.
        row(page, "Grace Planner").getByRole(AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("Remove credits from Grace Planner")).click();
        assertThat(dialog(page).locator("[data-allowance-note]")).containsText("it grants again at the next period start");
        button(dialog(page), "Stop the allowance").click();
        assertThat(dialog(page).locator("#allowance-title")).isVisible();
        button(dialog(page), "Stop allowance").click();

        assertThat(dialog(page)).hasCount(0);
        assertThat(page.locator("#toasts [data-toast]")).containsText("Stopped Grace Planner's allowance");
        assertThat(badge).hasCount(0);
        assertThat(ledger.allowances().of(tenant.id, tenant.grace)).isEmpty();
        assertThat(ledger.row(tenant.id, tenant.grace).orElseThrow().remaining()).isEqualTo(Credits.of(100));
    }

    @Test
    void an_admin_cannot_deactivate_themselves_or_change_their_own_role() {
        Page page = admin(tenant.app() + "/users");
        var own = page.locator("tbody tr").filter(new Locator.FilterOptions().setHasText("Ada Admin"));
        assertThat(own.locator("[data-self]")).hasAttribute("aria-disabled", "true");
        assertThat(own.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Deactivate Ada Admin"))).hasCount(0);
        own.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit Ada Admin")).click();
        assertThat(dialog(page).getByLabel("Role")).isDisabled();
        Axe.atRest(page);
        Axe.check(page, "own edit dialog");
        button(dialog(page), "Cancel").click();

        // A user the identity provider manages says so where they would be edited.
        directory.register(tenant.id, new com.aicredits.directory.NewUser("Sam Synced", tenant.email("sam"),
                com.aicredits.directory.Role.Planner, "ext-sam", null, com.aicredits.directory.Source.SCIM)).orElseThrow();
        page.reload();
        page.locator("tbody tr").filter(new Locator.FilterOptions().setHasText("Sam Synced"))
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit Sam Synced")).click();
        assertThat(dialog(page).locator("[data-provisioned]")).containsText("Your identity provider manages this user");
        assertThat(dialog(page).getByLabel("Role")).isEnabled();
        button(dialog(page), "Cancel").click();

        // Sent anyway (an old page, a forged form): refused, and nothing changes.
        String csrf = page.locator("meta[name=csrf-token]").getAttribute("content");
        String self = directory.users(tenant.id).stream().filter(u -> u.name().equals("Ada Admin")).findFirst().orElseThrow()
                .id().toString();
        var refused = page.request().post(tenant.app() + "/users/" + self + "?active=false", RequestOptions.create()
                .setHeader("X-CSRF-TOKEN", csrf).setHeader("HX-Request", "true").setForm(FormData.create()));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.text()).contains("You cannot deactivate yourself");
        assertThat(directory.users(tenant.id).stream().filter(u -> u.name().equals("Ada Admin")).findFirst().orElseThrow()
                .active()).isTrue();
    }

    @Test
    void every_rows_actions_stay_on_screen_on_a_phone_and_on_a_laptop() {
        // A name that is one long word, as a directory may set it (the e-mail), and a long e-mail.
        tenant.register("maria.gaetana.agnesi@review.example", "maria.gaetana.agnesi.longer", com.aicredits.directory.Role.Viewer);
        ledger.assign(tenant.id, directory.users(tenant.id).stream().filter(u -> u.name().startsWith("maria.")).findFirst()
                .orElseThrow().id(), Credits.of(5), null, AdminTenant.SEED, null).orElseThrow();
        // The widest row the demo has: a long name and email, an allowance badge, a figure with decimals.
        var mary = tenant.register("Mary Kenneth Keller", "mary.kenneth.keller", com.aicredits.directory.Role.Planner);
        ledger.allowances().set(tenant.id, mary, new AllowanceTerms(Credits.of(500), Period.MONTHLY, AllowanceMode.TOP_UP),
                null, AdminTenant.SEED).orElseThrow();
        ledger.charge(tenant.id, new com.aicredits.ledger.RequestId("wide-row"), mary, "canvas",
                Credits.parse("311.375").orElseThrow(), AdminTenant.SEED).orElseThrow();
        for (int[] screen : List.of(Browser.PHONE, new int[] {1280, 800})) {
            Page page = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, screen, tenant.app() + "/credits");
            var box = page.locator("#table .table-responsive");
            assertThat((Boolean) box.evaluate("b => b.scrollWidth <= b.clientWidth"))
                    .as("the table fits its box at %d px", screen[0]).isTrue();
            double right = ((Number) box.evaluate("b => b.getBoundingClientRect().right")).doubleValue();
            for (var button : page.locator("#table td.actions .btn").all()) {
                assertThat(button.boundingBox().x + button.boundingBox().width).as("a row's action at %d px", screen[0])
                        .isLessThanOrEqualTo(right);
            }
            page.context().close();
        }
    }

    @Test
    void webhook_changes_land_on_a_page_that_can_be_reloaded_and_removing_asks_first() {
        Page page = admin(tenant.app() + "/settings/webhooks");
        page.getByLabel("URL").fill("https://hooks.example.invalid/walkthrough");
        page.locator("#add-webhook-button").click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Choose the events to send, or All events.");
        page.getByLabel("All events").check();
        page.locator("#add-webhook-button").click();
        // Accepted (every attempt resolves the name again), and the admin is told the name does not resolve now.
        assertThat(page.locator("[data-warning]"))
                .hasText("The name hooks.example.invalid does not resolve now: deliveries to it fail and are retried until it does.");
        var endpoint = page.locator("[data-endpoint]").first();
        assertThat(endpoint).containsText("https://hooks.example.invalid/walkthrough");
        assertThat(endpoint).containsText("All events");
        assertThat(endpoint).not().containsText("*");

        endpoint.locator("button", new Locator.LocatorOptions().setHasText("Send test")).click();
        assertThat(page.locator("[data-saved]")).hasText("Test event queued.");
        assertThat(page).hasURL(java.util.regex.Pattern.compile("/settings/webhooks/[0-9a-f-]{36}$"));
        page.reload();
        assertThat(page.locator("[data-delivery]")).not().hasCount(0);
        assertThat(page.locator("[data-saved]")).hasCount(0);

        // An endpoint that is off gets its test only once it is turned on, and the message says so.
        page.navigate(tenant.app() + "/settings/webhooks");
        page.locator("[data-endpoint]").first().locator("button", new Locator.LocatorOptions().setHasText("Turn off")).click();
        assertThat(page.locator("[data-saved]")).hasText("Endpoint turned off.");
        page.locator("[data-endpoint]").first().locator("button", new Locator.LocatorOptions().setHasText("Send test")).click();
        assertThat(page.locator("[data-saved]")).hasText("Test event queued: it is sent once the endpoint is turned on.");

        page.navigate(tenant.app() + "/settings/webhooks");
        var asked = new AtomicReference<String>();
        page.onceDialog(question -> {
            asked.set(question.message());
            question.dismiss();
        });
        page.locator("[data-endpoint]").first().locator("button", new Locator.LocatorOptions().setHasText("Remove")).click();
        assertThat(page.locator("[data-endpoint]")).hasCount(1);
        assertThat(asked.get()).contains("Remove the endpoint https://hooks.example.invalid/walkthrough?");
        page.onceDialog(com.microsoft.playwright.Dialog::accept);
        page.locator("[data-endpoint]").first().locator("button", new Locator.LocatorOptions().setHasText("Remove")).click();
        assertThat(page.locator("[data-saved]")).hasText("Endpoint removed.");
        assertThat(page.locator("[data-endpoint]")).hasCount(0);
        assertThat(page).hasURL(java.util.regex.Pattern.compile("/settings/webhooks$"));

        // An address needs no name to resolve: no warning.
        page.getByLabel("URL").fill("https://8.8.8.8/walkthrough");
        page.getByLabel("All events").check();
        page.locator("#add-webhook-button").click();
        assertThat(page.locator("[data-saved]")).hasText("Endpoint added.");
        assertThat(page.locator("[data-warning]")).hasCount(0);
    }

    @Test
    void an_approval_the_pool_cannot_cover_is_refused_in_words_and_keeps_what_was_typed() {
        requests.file(tenant.id, tenant.linus, Credits.of(40), "onboarding", "test").orElseThrow();
        Page page = admin(tenant.app() + "/credits/requests");
        var card = page.locator("#request-list [data-request]").filter(new Locator.FilterOptions().setHasText("Linus Waiting"));
        card.getByLabel("Credits").fill("5000");
        card.getByLabel("Note").fill("for the launch");
        button(card, "Approve the request of Linus Waiting").click();

        assertThat(card.getByRole(AriaRole.ALERT)).hasText(
                "Only 888 credits are unassigned: approve fewer, or buy more first.");
        assertThat(card.getByLabel("Credits")).hasValue("5000");
        assertThat(card.getByLabel("Note")).hasValue("for the launch");
        assertThat(card.getByLabel("Credits")).isFocused();
    }

    @Test
    void a_nul_in_an_exports_filter_is_refused_as_bad_input_as_on_the_page() {
        Page page = admin();
        String history = tenant.app() + "/credits/users/" + tenant.grace + "/history";
        for (String path : List.of(tenant.app() + "/credits/export.csv?q=a%00b", history + ".csv?feature=%00",
                tenant.app() + "/credits/table?q=a%00b", history + "/lines?feature=%00")) {
            assertThat(page.request().get(path).status()).as(path).isEqualTo(400); // the CSV exports were 500
        }
    }

    @Test
    void decided_credit_requests_fit_a_phone_with_who_decided_under_the_name() {
        var request = requests.file(tenant.id, tenant.linus, Credits.of(40), "onboarding", "test").orElseThrow();
        requests.decline(tenant.id, request.id(), "Budget is frozen until January", tenant.email("admin")).orElseThrow();
        Page page = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.PHONE, tenant.app() + "/credits/requests");
        var box = page.locator("#request-list .table-responsive");
        assertThat((Boolean) box.evaluate("b => b.scrollWidth <= b.clientWidth")).as("the decided list fits a phone").isTrue();
        assertThat(page.locator("#request-list tr[data-status=DECLINED] [data-phone-decision]"))
                .hasText("by " + tenant.email("admin") + " · Budget is frozen until January");
    }
}
