package com.aicredits.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.TenantId;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.UUID;
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

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add User")).click();
        dialog.getByLabel("Name").fill("Someone Else");
        dialog.getByLabel("Email").fill("BARBARA@" + domain);
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add User")).click();
        assertThat(dialog.getByRole(AriaRole.ALERT)).containsText("already exists");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel")).click();

        barbara.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit Barbara Liskov")).click();
        dialog.getByLabel("Role").selectOption("Viewer");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(barbara).containsText("Viewer");

        page.onceDialog(confirm -> confirm.accept()); // deactivating asks first
        barbara.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Deactivate Barbara Liskov")).click();
        assertThat(barbara).containsText("Deactivated");
        assertThat(directory.userByEmail(tenant, "barbara@" + domain).orElseThrow().active()).isFalse();
        Browser.screenshot(page, "users-tab");
    }
}
