package com.aicredits.browser;

import static com.aicredits.browser.AdminTenant.dialog;
import static com.aicredits.browser.AdminTenant.row;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Role;
import com.aicredits.shared.Credits;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.Period;
import com.aicredits.settings.TenantSettings;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/** The allowance control in the Assign and Add dialogs, the row's badge, and the settings page, in a real browser. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllowanceBrowserTest extends AdminBrowserTest {

    @Autowired TenantSettings settings;

    @Test
    void assigning_with_repeat_every_month_sets_a_reset_allowance_and_the_row_shows_its_next_grant() {
        Page page = admin();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Assign User")).click();
        dialog(page).getByLabel("Select User").selectOption(tenant.linus.toString());
        dialog(page).getByLabel("Credits to Assign").fill("40");
        dialog(page).getByLabel("Repeat").selectOption("MONTHLY");
        dialog(page).getByLabel("Reset to this amount").check();
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Assign Credits")).click();

        assertThat(dialog(page)).hasCount(0);
        var linus = row(page, "Linus Waiting");
        assertThat(linus.locator("[data-allowance]")).isVisible();
        String next = ledger.allowances().nextGrantDay(tenant.id, Period.MONTHLY)
                .format(java.time.format.DateTimeFormatter.ofPattern("MMM d", java.util.Locale.ENGLISH));
        assertThat(linus.locator("[data-allowance]")).containsText(next);
        var allowance = ledger.allowances().of(tenant.id, tenant.linus).orElseThrow();
        assertThat(allowance.terms().credits()).isEqualTo(Credits.of(40));
        assertThat(allowance.terms().mode()).isEqualTo(AllowanceMode.RESET);
        assertThat(ledger.balance(tenant.id, tenant.linus).orElseThrow().remaining()).isEqualTo(Credits.of(40));
        Browser.screenshot(page, "allowance-badge");
    }

    @Test
    void adding_with_repeat_every_week_and_top_up_sets_a_top_up_allowance() {
        Page page = admin();
        row(page, "Grace Planner").getByRole(AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("Add credits to Grace Planner")).click();
        assertThat(dialog(page).getByLabel("Top up to this amount")).isDisabled(); // "Only now": no mode
        dialog(page).getByLabel("Credits to add").fill("150");
        dialog(page).getByLabel("Repeat").selectOption("WEEKLY");
        // Repeating sets an allowance (reset or top up to the amount), not an addition: the words say so.
        assertThat(dialog(page).getByLabel("Credits each period")).hasValue("150");
        dialog(page).getByLabel("Top up to this amount").check();
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Set allowance")).click();

        assertThat(dialog(page)).hasCount(0);
        assertThat(row(page, "Grace Planner").locator("[data-allowance]")).isVisible();
        // Grace had 100: topped up to 150 at once.
        assertThat(ledger.balance(tenant.id, tenant.grace).orElseThrow().remaining()).isEqualTo(Credits.of(150));
        assertThat(ledger.allowances().of(tenant.id, tenant.grace).orElseThrow().terms().period()).isEqualTo(Period.WEEKLY);
    }

    @Test
    void the_settings_page_changes_the_time_zone_and_a_role_default_and_refuses_a_bad_amount_inline() {
        Page page = admin();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Settings")).click();
        page.getByLabel("Allowances start at 00:00 in this time zone").selectOption("Europe/Berlin");
        page.getByLabel("Default credits for Viewer").fill("2000000000"); // above the one-billion limit
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save settings")).click();
        assertThat(page.locator("[data-error]")).isVisible();
        assertThat(settings.timeZone(tenant.id).getId()).isEqualTo("UTC");

        page.getByLabel("Default credits for Viewer").fill("25");
        page.getByLabel("Repeat for Viewer").selectOption("WEEKLY");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save settings")).click();

        assertThat(page.locator("[data-saved]")).isVisible();
        assertThat(settings.timeZone(tenant.id).getId()).isEqualTo("Europe/Berlin");
        var terms = settings.roleDefault(tenant.id, Role.Viewer).orElseThrow();
        assertThat(terms.credits()).isEqualTo(Credits.of(25));
        assertThat(terms.period()).isEqualTo(Period.WEEKLY);
        assertThat(settings.roleDefault(tenant.id, Role.Planner)).isEmpty();
        Browser.screenshot(page, "settings");
    }

    @Test
    void the_settings_page_sets_each_alert_threshold_turns_one_off_and_refuses_a_bad_amount_inline() {
        Page page = admin();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Settings")).click();
        var before = settings.settings(tenant.id).orElseThrow().alerts();
        assertThat(page.getByLabel("A user's remaining credits fall to (%)"))
                .hasValue(before.userLowPercent() == null ? "" : before.userLowPercent().toString());
        page.getByLabel("The unassigned pool falls below (credits)").fill("2000000000"); // above the one-billion limit
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save settings")).click();
        assertThat(page.locator("[data-error]")).containsText("Unassigned pool alert");
        assertThat(page.getByLabel("The unassigned pool falls below (credits)")).hasValue("2000000000");
        assertThat(settings.settings(tenant.id).orElseThrow().alerts()).isEqualTo(before);

        page.getByLabel("A user's remaining credits fall to (%)").fill("");
        page.getByLabel("The tenant's available credits fall below (%)").fill("35");
        page.getByLabel("The unassigned pool falls below (credits)").fill("250.5");
        page.getByLabel("Tell a user when their credits are used up").uncheck();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save settings")).click();

        assertThat(page.locator("[data-saved]")).isVisible();
        var saved = settings.settings(tenant.id).orElseThrow().alerts();
        assertThat(saved.userLowPercent()).as("empty is off").isNull();
        assertThat(saved.tenantAvailableBelowPercent()).isEqualTo(35);
        assertThat(saved.poolUnassignedBelow()).isEqualTo(Credits.parse("250.5").orElseThrow());
        assertThat(saved.userExhausted()).isFalse();
        assertThat(page.getByLabel("The tenant's available credits fall below (%)")).hasValue("35");
        assertThat(page.getByLabel("Tell a user when their credits are used up")).not().isChecked();

        page.getByLabel("A user's remaining credits fall to (%)").fill("20");
        page.getByLabel("Tell a user when their credits are used up").check();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save settings")).click();
        assertThat(page.locator("[data-saved]")).isVisible();
        assertThat(settings.settings(tenant.id).orElseThrow().alerts().userLowPercent()).isEqualTo(20);
        assertThat(settings.settings(tenant.id).orElseThrow().alerts().userExhausted()).isTrue();
    }
    /** SPEC: "an admin may re-run the current period's grants after a purchase", from where the shortfall shows. */
    @Test
    void a_short_grant_is_completed_from_its_allowance_after_a_purchase() {
        // 1,000 bought, 112 assigned: 888 unassigned, so a reset to 1,000 from Grace's 100 is 12 short.
        ledger.allowances().set(tenant.id, tenant.grace, new com.aicredits.settings.AllowanceTerms(Credits.of(1000),
                Period.MONTHLY, AllowanceMode.RESET), null, AdminTenant.SEED).orElseThrow();
        assertThat(ledger.allowances().of(tenant.id, tenant.grace).orElseThrow().lastGrant().orElseThrow().shortfall())
                .isEqualTo(Credits.of(12));
        Page page = admin();
        row(page, "Grace Planner").locator("[data-allowance]").click();
        assertThat(dialog(page)).containsText("12 missing: the pool was short");
        assertThat(dialog(page).locator("[data-short-grant]")).isVisible();
        Axe.check(page, "allowance dialog with a short grant");
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Grant the missing credits now")).click();
        assertThat(page.locator("#toasts")).containsText("Nothing could be granted");

        ledger.purchase(tenant.id, Credits.of(50), "PO-2", null, AdminTenant.SEED, null);
        row(page, "Grace Planner").locator("[data-allowance]").click();
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Grant the missing credits now")).click();
        assertThat(page.locator("#toasts")).containsText("Granted 12 credits to 1 user: this period's allowances are granted in full.");
        assertThat(ledger.balance(tenant.id, tenant.grace).orElseThrow().remaining()).isEqualTo(Credits.of(1000));
        row(page, "Grace Planner").locator("[data-allowance]").click();
        assertThat(dialog(page).locator("[data-short-grant]")).hasCount(0);
        // Asked again (a second click, another admin, the API meanwhile): nothing is missing, and it says so.
        page.evaluate("url => htmx.ajax('POST', url, {target: '#dialog-slot', swap: 'innerHTML'})",
                tenant.app() + "/credits/users/" + tenant.grace + "/allowance/grant-missing");
        assertThat(page.locator("#toasts")).containsText("Nothing is missing: this period's allowances are granted in full.");
    }
    /** A walkthrough of December 5: a person could not see their own allowance anywhere. */
    @Test
    void a_person_sees_their_own_allowance_and_its_next_grant_on_their_page() {
        ledger.allowances().set(tenant.id, tenant.grace, new com.aicredits.settings.AllowanceTerms(Credits.of(100),
                Period.WEEKLY, AllowanceMode.TOP_UP), null, AdminTenant.SEED).orElseThrow();
        Page grace = browser.signIn(tenant.email("grace"), AdminTenant.PASSWORD, tenant.app() + "/me");
        String next = ledger.allowances().nextGrantDay(tenant.id, Period.WEEKLY)
                .format(java.time.format.DateTimeFormatter.ofPattern("MMM d", java.util.Locale.ENGLISH));
        assertThat(grace.locator("[data-my-allowance]")).hasText("Your allowance: 100 every week, topped up; next on " + next);
        Axe.check(grace, "own page with an allowance");
        Page phone = browser.signIn(tenant.email("grace"), AdminTenant.PASSWORD, Browser.PHONE, tenant.app() + "/me");
        assertThat(phone.locator("[data-my-allowance]")).isVisible();
        assertThat((Boolean) phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scroll on a phone").isTrue();
        Page ken = browser.signIn(tenant.email("ken"), AdminTenant.PASSWORD, tenant.app() + "/me");
        assertThat(ken.locator("[data-my-allowance]")).hasCount(0);
    }
}
