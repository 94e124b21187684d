package com.aicredits.browser;

import static com.aicredits.browser.AdminTenant.dialog;
import static com.aicredits.browser.AdminTenant.row;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.shared.Credits;
import com.aicredits.ledger.EntryType;
import com.aicredits.settings.Period;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import com.microsoft.playwright.options.ReducedMotion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bulk changes on the AI Credits tab: select rows, the action bar, the preview (every row before → after, the
 * pool after), confirm; and the same from an uploaded CSV file. Every preview is axe-clean, and another admin's
 * page follows the change live.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkBrowserTest extends AdminBrowserTest {

    private static Locator button(Locator scope, String name) {
        return scope.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
    }

    private Locator remaining(Page page, String name) {
        return row(page, name).locator("[data-col=remaining]");
    }

    @Test
    void selected_rows_get_credits_after_a_preview_and_a_confirm_and_other_admins_see_it_live() {
        Page page = admin();
        Page other = admin();
        var bar = page.locator("#bulk-bar");
        assertThat(bar).isHidden();

        Browser.tick(row(page, "Grace Planner").getByLabel("Select Grace Planner"));
        // The keyboard works too: focus Ken's box, press space.
        row(page, "Ken Viewer").getByLabel("Select Ken Viewer").focus();
        page.keyboard().press("Space");
        assertThat(bar).isVisible();
        assertThat(page.locator("#bulk-count")).hasText("2 users selected");

        bar.getByLabel("Change", new Locator.GetByLabelOptions().setExact(true)).selectOption("add");
        bar.getByLabel("Credits each", new Locator.GetByLabelOptions().setExact(true)).fill("10");
        bar.getByLabel("Note").fill("Q3 pilot");
        button(bar, "Preview").click();

        var preview = dialog(page);
        assertThat(preview.getByRole(AriaRole.HEADING)).hasText("Preview: add credits");
        assertThat(preview.locator("[data-pool-before]")).hasText("888");
        assertThat(preview.locator("[data-pool-after]")).hasText("868");
        assertThat(preview.locator("tbody tr")).hasCount(2);
        var graceLine = preview.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(tenant.email("grace")));
        assertThat(graceLine.locator("[data-after-remaining]")).hasText("110");
        var kenLine = preview.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(tenant.email("ken")));
        assertThat(kenLine.locator("[data-after-remaining]")).hasText("5");
        Axe.check(page, "bulk preview");
        // Nothing has changed yet.
        assertThat(remaining(page, "Grace Planner")).hasText("100");
        assertThat(ledger.entries(tenant.id, null, EntryType.ADD, 0, 10).total()).isZero();

        button(preview, "Confirm: change 2 users").click();

        assertThat(dialog(page)).hasCount(0);
        assertThat(remaining(page, "Grace Planner")).hasText("110");
        assertThat(remaining(page, "Ken Viewer")).hasText("5");
        assertThat(page.locator("#toasts [data-toast]")).containsText("Added credits to 2 users.");
        assertThat(bar).isHidden();
        assertThat(remaining(other, "Grace Planner")).hasText("110");
        assertThat(other.locator("[data-card=unassigned]")).hasText("868");
        var entries = ledger.entries(tenant.id, null, EntryType.ADD, 0, 10).items();
        assertThat(entries).hasSize(2).allSatisfy(e -> {
            assertThat(e.note()).isEqualTo("Q3 pilot");
            assertThat(e.credits()).isEqualTo(Credits.of(10));
        });
        Browser.screenshot(page, "bulk-after-confirm");
        // The next bulk starts empty: this one's amount and note do not slip into it.
        Browser.tick(row(page, "Grace Planner").getByLabel("Select Grace Planner"));
        assertThat(bar.getByLabel("Credits each", new Locator.GetByLabelOptions().setExact(true))).hasValue("");
        assertThat(bar.getByLabel("Note")).hasValue("");
    }

    @Test
    void a_refused_row_is_shown_with_its_reason_and_nothing_can_be_confirmed() {
        Page page = admin();
        Browser.tick(row(page, "Grace Planner").getByLabel("Select Grace Planner"));
        Browser.tick(row(page, "Ken Viewer").getByLabel("Select Ken Viewer"));
        var bar = page.locator("#bulk-bar");
        bar.getByLabel("Change", new Locator.GetByLabelOptions().setExact(true)).selectOption("remove");
        bar.getByLabel("Credits each", new Locator.GetByLabelOptions().setExact(true)).fill("50");
        button(bar, "Preview").click();

        var preview = dialog(page);
        assertThat(preview.locator("[data-bulk-refused]")).containsText("1 row is refused, so nothing will change");
        // the pool as it stays, not as the rows that could go would leave it
        assertThat(preview.locator("#preview-summary")).hasText("2 rows; unassigned pool 888.");
        assertThat(preview.locator("[data-row-refusal]")).hasText("At most 0 credits can be removed.");
        assertThat(button(preview, "Confirm: change 2 users")).hasCount(0);
        Axe.check(page, "bulk preview with a refused row");
        button(preview, "Close").first().click();
        assertThat(remaining(page, "Grace Planner")).hasText("100");
        // The selection survives the dialog and the table's redraws.
        assertThat(row(page, "Grace Planner").getByLabel("Select Grace Planner")).isChecked();
    }

    @Test
    void set_allowance_for_the_selected_rows_previews_the_grant_then_sets_it_for_each() {
        Page page = admin();
        Browser.tick(row(page, "Grace Planner").getByLabel("Select Grace Planner"));
        Browser.tick(row(page, "Ken Viewer").getByLabel("Select Ken Viewer"));
        var bar = page.locator("#bulk-bar");
        assertThat(bar.getByLabel("Repeat")).isHidden();
        bar.getByLabel("Change", new Locator.GetByLabelOptions().setExact(true)).selectOption("allowance");
        bar.getByLabel("Repeat").selectOption("WEEKLY");
        bar.getByLabel("Unused credits").selectOption("TOP_UP");
        bar.getByLabel("Credits each", new Locator.GetByLabelOptions().setExact(true)).fill("50");
        button(bar, "Preview").click();

        var preview = dialog(page);
        assertThat(preview.locator("[data-allowance-summary]"))
                .hasText("Each gets an allowance of 50 every week, topped up, granted for the current period now.");
        // Top up: Grace (100) is above 50 and gets nothing; Ken (-5) gets 55.
        var kenLine = preview.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(tenant.email("ken")));
        assertThat(kenLine.locator("[data-after-remaining]")).hasText("50");
        var graceLine = preview.locator("tbody tr").filter(new Locator.FilterOptions().setHasText(tenant.email("grace")));
        assertThat(graceLine.locator("[data-after-remaining]")).hasText("100");
        assertThat(preview.locator("[data-pool-after]")).hasText("833");
        Axe.check(page, "set allowance preview");
        assertThat(ledger.allowances().of(tenant.id, tenant.grace)).isEmpty();

        button(preview, "Confirm: change 2 users").click();

        assertThat(dialog(page)).hasCount(0);
        assertThat(page.locator("#toasts [data-toast]")).containsText("Set an allowance of 50 every week, topped up, for 2 users.");
        assertThat(remaining(page, "Ken Viewer")).hasText("50");
        assertThat(row(page, "Grace Planner").locator("[data-allowance]")).isVisible();
        assertThat(row(page, "Ken Viewer").locator("[data-allowance]")).isVisible();
        assertThat(ledger.allowances().of(tenant.id, tenant.grace).orElseThrow().terms().period()).isEqualTo(Period.WEEKLY);
        assertThat(ledger.entries(tenant.id, tenant.ken, EntryType.ALLOWANCE, 0, 10).total()).isEqualTo(1);
    }

    @Test
    void an_uploaded_csv_is_previewed_row_by_row_then_applied() {
        Page page = admin();
        button(page.locator("main"), "Upload CSV").click();
        var upload = dialog(page);
        assertThat(upload.getByRole(AriaRole.HEADING)).hasText("Bulk change from a CSV file");
        Axe.check(page, "bulk upload dialog");
        upload.getByLabel("Change", new Locator.GetByLabelOptions().setExact(true)).selectOption("add");
        String file = "\uFEFFemail,credits,note\r\n" + tenant.email("grace") + ",5,\"Project Phoenix, phase 2\"\r\n"
                + tenant.email("ken") + ",0.5,\r\n";
        upload.getByLabel("CSV file").setInputFiles(new FilePayload("credits.csv", "text/csv", file.getBytes(StandardCharsets.UTF_8)));
        button(upload, "Preview").click();

        var preview = dialog(page);
        assertThat(preview.getByRole(AriaRole.HEADING)).hasText("Preview: add credits");
        assertThat(preview.locator("tbody tr")).hasCount(2);
        assertThat(preview.locator("[data-pool-after]")).hasText("882.5");
        Axe.check(page, "bulk preview of a file");
        assertThat(remaining(page, "Ken Viewer")).hasText("-5");

        button(preview, "Confirm: change 2 users").click();

        assertThat(dialog(page)).hasCount(0);
        assertThat(remaining(page, "Grace Planner")).hasText("105");
        assertThat(remaining(page, "Ken Viewer")).hasText("-4.5");
        assertThat(ledger.entries(tenant.id, tenant.grace, EntryType.ADD, 0, 10).items().getFirst().note())
                .isEqualTo("Project Phoenix, phase 2");
    }

    @Test
    void a_malformed_file_is_refused_in_the_upload_dialog_and_changes_nothing() {
        Page page = admin();
        button(page.locator("main"), "Upload CSV").click();
        var upload = dialog(page);
        upload.getByLabel("CSV file").setInputFiles(new FilePayload("credits.csv", "text/csv",
                ("mail,credits\n" + tenant.email("grace") + ",5\n").getBytes(StandardCharsets.UTF_8)));
        button(upload, "Preview").click();

        assertThat(dialog(page).getByRole(AriaRole.ALERT)).containsText("the header is email,credits,note");
        Axe.check(page, "bulk upload refused");
        assertThat(ledger.entries(tenant.id, null, null, 0, 50).items().stream().map(e -> e.type()).toList())
                .doesNotContain(EntryType.ADD);
    }

    @Test
    void a_file_refused_for_one_row_names_that_row_and_keeps_the_admins_choices() {
        Page page = admin();
        button(page.locator("main"), "Upload CSV").click();
        var upload = dialog(page);
        upload.getByLabel("Change", new Locator.GetByLabelOptions().setExact(true)).selectOption("remove");
        upload.getByLabel("Note for every row").fill("Year-end clean-up");
        upload.getByLabel("CSV file").setInputFiles(new FilePayload("credits.csv", "text/csv", ("email,credits,note\n"
                + tenant.email("grace") + ",5,\n" + tenant.email("ken") + ",zz,\n" + tenant.email("linus") + ",-1,\n")
                .getBytes(StandardCharsets.UTF_8)));
        button(upload, "Preview").click();

        assertThat(dialog(page).getByRole(AriaRole.ALERT)).hasText("The file was not read: row 2 (" + tenant.email("ken")
                + "): credits must be a number; row 3 (" + tenant.email("linus") + "): credits must be greater than zero.");
        assertThat(dialog(page).getByLabel("Change", new Locator.GetByLabelOptions().setExact(true))).hasValue("remove");
        assertThat(dialog(page).getByLabel("Note for every row")).hasValue("Year-end clean-up");

        dialog(page).getByLabel("CSV file").setInputFiles(new FilePayload("credits.csv", "text/csv",
                ("email,credits,note\n" + tenant.email("grace") + ",5,\n").getBytes(StandardCharsets.UTF_8)));
        button(dialog(page), "Preview").click();
        assertThat(dialog(page).getByRole(AriaRole.HEADING)).hasText("Preview: remove credits");
        assertThat(dialog(page).locator("[data-after-remaining]")).hasText("95");
    }

    /**
     * A table longer than the screen: the admin scrolls to its last row and ticks it. The action bar shows on the
     * screen, not over that row (nor over a row that takes the focus), and its Preview button takes a click where it
     * is (a mouse click at its place scrolls nothing); scrolled to the end of the page, the bar leaves the last row
     * uncovered. On a laptop and on a phone, axe-clean with the bar showing.
     */
    @Test
    void ticking_a_row_far_down_a_long_table_shows_the_action_bar_on_the_screen() {
        for (int i = 1; i <= 20; i++) {
            tenant.withCredits("Zoe Member " + (char) ('A' + i), "zoe" + i, 10, 0);
        }
        for (int[] screen : new int[][] {{1366, 900}, Browser.PHONE}) {
            Page page = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, screen);
            // Bootstrap scrolls smoothly unless motion is reduced: then every scroll is over when measured.
            page.emulateMedia(new Page.EmulateMediaOptions().setReducedMotion(ReducedMotion.REDUCE));
            var last = page.locator("#table tbody tr").last();
            last.scrollIntoViewIfNeeded();
            last.locator("[data-select-row]").check();
            var bar = page.locator("#bulk-bar");
            assertThat(bar).isVisible();
            var box = bar.boundingBox();
            assertThat(box.y).as("the bar's top on a %dx%d screen", screen[0], screen[1]).isGreaterThanOrEqualTo(0.0);
            assertThat(box.y + box.height).as("the bar's bottom").isLessThanOrEqualTo(screen[1]);
            var ticked = last.boundingBox();
            // (give or take half a pixel: the page scrolls by whole pixels, the rows' edges are not on them)
            assertThat(ticked.y + ticked.height).as("the row just ticked, above the bar").isLessThanOrEqualTo(box.y + 0.5);
            Axe.check(page, "the action bar over a long table, " + screen[0] + " px wide");
            // A row under the bar that takes the focus (tabbing down the table) comes out from under it too.
            var middle = row(page, "Zoe Member K");
            middle.evaluate("row => window.scrollBy(0, row.getBoundingClientRect().top"
                    + " - document.getElementById('bulk-bar').getBoundingClientRect().top + 5)");
            middle.getByLabel("Select Zoe Member K").focus();
            assertThat(middle.boundingBox().y + middle.boundingBox().height).as("a focused row, above the bar")
                    .isLessThanOrEqualTo(bar.boundingBox().y + 0.5);

            Object scrolled = page.evaluate("() => window.scrollY");
            bar.getByLabel("Credits each", new Locator.GetByLabelOptions().setExact(true)).fill("1");
            var preview = button(bar, "Preview").boundingBox();
            page.mouse().click(preview.x + preview.width / 2, preview.y + preview.height / 2);
            assertThat(dialog(page).locator("tbody tr")).hasCount(1);
            assertThat(page.evaluate("() => window.scrollY")).as("nothing scrolled to reach the bar").isEqualTo(scrolled);
            button(dialog(page), "Close").first().click();

            page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)");
            var lastBox = last.boundingBox();
            assertThat(lastBox.y + lastBox.height).as("the last row, scrolled to the end").isLessThanOrEqualTo(bar.boundingBox().y);
        }
    }

    @Test
    void on_a_phone_the_action_bar_and_the_preview_fit_the_screen() {
        Page page = browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.PHONE);
        Browser.tick(row(page, "Grace Planner").getByLabel("Select Grace Planner"));
        var bar = page.locator("#bulk-bar");
        bar.getByLabel("Credits each", new Locator.GetByLabelOptions().setExact(true)).fill("1");
        assertThat((Boolean) page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"))
                .as("the page with the action bar scrolls sideways").isFalse();
        button(bar, "Preview").click();
        assertThat(dialog(page).locator("tbody tr")).hasCount(1);
        var box = dialog(page).boundingBox();
        assertThat(box.x).isGreaterThanOrEqualTo(0.0);
        assertThat(box.x + box.width).isLessThanOrEqualTo(390.0);
        Axe.check(page, "phone bulk preview");
        Browser.screenshot(page, "phone-bulk-preview");
    }
    /** A walkthrough of December 5: a toast covered the bar's Preview button for its seconds on screen. */
    @Test
    void a_toast_shows_above_the_bar_not_over_its_buttons() {
        Page page = admin();
        Browser.tick(row(page, "Grace Planner").getByLabel("Select Grace Planner"));
        var bar = page.locator("#bulk-bar");
        assertThat(bar).isVisible();
        row(page, "Ken Viewer").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credits to Ken Viewer")).click();
        dialog(page).getByLabel("Credits to add").fill("1");
        button(dialog(page), "Add Credits").click();
        var toast = page.locator("#toasts [data-toast]");
        assertThat(toast).isVisible();
        assertThat(toast.boundingBox().y + toast.boundingBox().height).isLessThanOrEqualTo(bar.boundingBox().y + 1);
    }
}
