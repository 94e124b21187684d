package com.aicredits.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.directory.Source;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.TenantId;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The Users tab: registering, editing and deactivating people, in a real Chromium. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersTabTest {

    @LocalServerPort int port;
    @Autowired Directory directory;

    Browser browser;

    @BeforeAll
    void startBrowser() {
        browser = new Browser(port);
    }

    @AfterAll
    void closeBrowser() {
        browser.close();
    }

    @Test
    void an_admin_registers_edits_and_deactivates_users_and_a_taken_email_is_refused_inline() {
        TenantId tenant = directory.createTenant("Users Co " + UUID.randomUUID()).id();
        String domain = tenant.value().toString().substring(0, 8) + ".example";
        var admin = directory.register(tenant, new NewUser("Ada Admin", "ada@" + domain, Role.Admin, null, "users-tab-pw"));
        assertThat(admin).isInstanceOf(Outcome.Done.class);
        Page page = browser.signIn("ada@" + domain, "users-tab-pw");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Users").setExact(true)).click();
        page.waitForURL("**/users");
        Browser.whenLive(page);

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add User")).click();
        Locator dialog = page.locator("dialog[open]");
        dialog.getByLabel("Name").fill("Barbara Liskov");
        dialog.getByLabel("Email").fill("barbara@" + domain);
        dialog.getByLabel("Role").selectOption("Planner");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add User")).click();
        Locator barbara = page.locator("#user-list tr").filter(new Locator.FilterOptions().setHasText("Barbara Liskov"));
        assertThat(barbara).containsText("Planner");
        assertThat(page.locator("#toasts [data-toast]")).hasText("Added Barbara Liskov as Planner.");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add User")).click();
        assertThat(dialog.getByLabel("Role")).hasValue(""); // no role is chosen for the admin
        dialog.getByLabel("Name").fill("Someone Else");
        dialog.getByLabel("Email").fill("BARBARA@" + domain);
        dialog.getByLabel("Role").selectOption("Viewer");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add User")).click();
        assertThat(dialog.getByRole(AriaRole.ALERT)).containsText("already exists");
        // The refusal keeps what was typed: only the e-mail needs changing.
        assertThat(dialog.getByLabel("Name")).hasValue("Someone Else");
        assertThat(dialog.getByLabel("Email")).hasValue("BARBARA@" + domain);
        assertThat(dialog.getByLabel("Role")).hasValue("Viewer");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel")).click();

        barbara.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit Barbara Liskov")).click();
        dialog.getByLabel("Role").selectOption("Viewer");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(barbara).containsText("Viewer");

        var asked = new AtomicInteger();
        page.onDialog(confirm -> { // deactivating asks first
            asked.incrementAndGet();
            confirm.accept();
        });
        var deactivate = barbara.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Deactivate Barbara Liskov"));
        // The edit's live update redraws the list about now. Once asked, the deactivation must go through.
        Browser.clickUntilAsked(page, deactivate, () -> asked.get() > 0);
        assertThat(barbara).containsText("Deactivated");
        assertThat(asked).hasValue(1);
        assertThat(page.locator("#toasts [data-toast]"))
                .hasText("Deactivated Barbara Liskov: they are signed out and can no longer start AI requests.");
        assertThat(directory.userByEmail(tenant, "barbara@" + domain).orElseThrow().active()).isFalse();
        Browser.screenshot(page, "users-tab");
    }

    @Test
    void the_tab_has_the_credit_requests_tab_and_shows_people_added_or_changed_elsewhere_as_they_happen() {
        TenantId tenant = directory.createTenant("Live Users Co " + UUID.randomUUID()).id();
        String domain = tenant.value().toString().substring(0, 8) + ".example";
        directory.register(tenant, new NewUser("Ada Admin", "ada@" + domain, Role.Admin, null, "users-tab-pw"));
        Page page = browser.signIn("ada@" + domain, "users-tab-pw", "/app/tenants/" + tenant + "/users");

        var tabs = page.locator(".nav-tabs");
        assertThat(tabs.getByRole(AriaRole.LINK)).containsText(new String[] {"Users", "AI Credits", "Credit requests"});
        assertThat(tabs.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Users"))).hasAttribute("aria-current", "page");

        // Another admin, or the company directory over SCIM, registers and changes people meanwhile.
        var sam = ((Outcome.Done<com.aicredits.directory.User>) directory.register(tenant,
                new NewUser("Sam Scim", "sam@" + domain, Role.Planner, "ext-sam", null, Source.SCIM))).value();
        Locator row = page.locator("#user-list tr").filter(new Locator.FilterOptions().setHasText("Sam Scim"));
        assertThat(row).containsText("Active");
        directory.change(tenant, sam.id(), new com.aicredits.directory.UserChange(null, null, false));
        assertThat(row).containsText("Deactivated");
    }

    @Test
    void the_tab_shows_where_each_user_came_from_and_deactivating_says_what_happens_to_their_credits() {
        TenantId tenant = directory.createTenant("Sources Co " + UUID.randomUUID()).id();
        String domain = tenant.value().toString().substring(0, 8) + ".example";
        directory.register(tenant, new NewUser("Ada Admin", "ada@" + domain, Role.Admin, null, "users-tab-pw"));
        directory.register(tenant, new NewUser("Sam Scim", "sam@" + domain, Role.Planner, "ext-sam", null, Source.SCIM));
        Page page = browser.signIn("ada@" + domain, "users-tab-pw", "/app/tenants/" + tenant + "/users");

        Locator sam = page.locator("#user-list tr").filter(new Locator.FilterOptions().setHasText("Sam Scim"));
        assertThat(sam.locator("[data-source]")).hasText("SCIM");
        Locator ada = page.locator("#user-list tr").filter(new Locator.FilterOptions().setHasText("Ada Admin"));
        assertThat(ada.locator("[data-source]")).hasText("Manual");

        var asked = new java.util.ArrayList<String>();
        page.onceDialog(confirm -> {
            asked.add(confirm.message());
            confirm.dismiss();
        });
        Browser.clickUntilAsked(page, sam.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Deactivate Sam Scim")),
                () -> !asked.isEmpty());
        assertThat(asked).singleElement().asString().contains("unused AI credits go back to the unassigned pool")
                .contains("held by a request still running stay until it finishes");
        page.waitForTimeout(500); // dismissed, nothing is sent: time for a request sent all the same to land
        assertThat(directory.userByEmail(tenant, "sam@" + domain).orElseThrow().active()).as("dismissed").isTrue();
    }
}
