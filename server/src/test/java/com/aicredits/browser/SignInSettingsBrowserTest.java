package com.aicredits.browser;

import static com.aicredits.browser.AdminTenant.dialog;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.OpenIdProvider;
import com.aicredits.OpenIdProvider.Tokens;
import com.aicredits.TestApplication;
import com.aicredits.access.Access;
import com.aicredits.access.ApiKeyScope;
import com.aicredits.access.SingleSignOn;
import com.aicredits.access.SsoSettings;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The walkthrough that found an IT admin could set up nothing without the vendor, done again on the page alone:
 * Settings → Sign-in &amp; provisioning, the addresses copied before anything is set up, a SCIM token created and used
 * on /scim/v2/Users, single sign-on pointed at a real OpenID provider (reachable) and then at an address where nothing
 * answers (saved, with the warning), the token revoked and single sign-on turned off, each confirmed in a dialog. Axe on
 * every state, desktop and phone, and no sideways scrolling on a phone.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInSettingsBrowserTest extends AdminBrowserTest {

    @Autowired SingleSignOn sso;
    @Autowired Access access;

    OpenIdProvider provider;

    @BeforeAll
    void startProvider() {
        provider = new OpenIdProvider();
    }

    @AfterAll
    void stopProvider() {
        provider.close();
    }

    private static Locator button(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    /** The read-only field itself, not its copy button (whose name also holds the label). */
    private static Locator field(Page page, String label) {
        return page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName(label).setExact(true));
    }

    /** Judged at rest ({@link Axe#atRest}), as AccessibilityTest does: not halfway through the hover of the button just clicked. */
    private static void checkPage(Page page, String where) {
        Axe.atRest(page);
        Axe.check(page, where);
        assertThat((Boolean) page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))
                .as(where + ": no sideways scrolling").isTrue();
    }

    @Test
    void an_it_admin_connects_provisioning_and_single_sign_on_from_the_page_alone() {
        Page page = admin(tenant.app() + "/settings");
        page.context().grantPermissions(List.of("clipboard-read", "clipboard-write"));
        page.locator("#sign-in-link").click();
        page.waitForURL(url -> url.endsWith("/settings/sign-in"));
        Browser.whenLive(page);

        // Before anything is set up: the two addresses the provider asks for, each copied with one click.
        String redirectUri = "http://localhost:" + port + "/login/oauth2/code/" + tenant.id;
        assertThat(field(page, "Redirect URI")).hasValue(redirectUri);
        assertThat(field(page, "SCIM base URL")).hasValue("http://localhost:" + port + "/scim/v2");
        button(page, "Copy Redirect URI").click();
        assertThat(page.locator("#copy-status")).hasText("Copied");
        assertThat(page.evaluate("() => navigator.clipboard.readText()")).isEqualTo(redirectUri);
        button(page, "Copy SCIM base URL").click();
        page.waitForFunction("() => navigator.clipboard.readText().then(t => t.endsWith('/scim/v2'))");
        checkPage(page, "nothing set up");
        Browser.screenshot(page, "sign-in-settings-empty");

        // A SCIM token, shown once, that the directory uses at once.
        page.getByLabel("New token's name").fill("entra-provisioning");
        button(page, "Create SCIM token").click();
        assertThat(page.locator("[data-token]")).containsText("it is shown once and never again");
        String token = field(page, "SCIM token").inputValue();
        assertThat(token).startsWith("aic_");
        button(page, "Copy SCIM token").click();
        page.waitForFunction("t => navigator.clipboard.readText().then(c => c === t)", token);
        checkPage(page, "a new SCIM token");
        Browser.screenshot(page, "sign-in-settings-new-token");
        var users = ApiClient.bearer(port, token).get("/scim/v2/Users");
        assertThat(users.status()).isEqualTo(200);
        assertThat(users.json().get("totalResults").asInt()).isEqualTo(4);
        page.navigate(tenant.app() + "/settings/sign-in");
        assertThat(page.locator("[data-token]")).hasCount(0);
        assertThat(page.locator("main")).not().containsText(token);
        assertThat(page.locator("[data-scim-token]")).containsText("entra-provisioning");
        assertThat(page.locator("[data-scim-token] [data-last-used]")).containsText("Last used");

        // Single sign-on at a real provider: reachable.
        String client = provider.client(port, tenant.id.toString(), Tokens.HONEST);
        page.getByLabel("Issuer").fill(provider.issuer());
        page.getByLabel("Client ID").fill(client);
        page.getByLabel("Client secret").fill("secret-" + client);
        page.getByLabel("People who sign in at the provider but have no user here").selectOption("Viewer");
        button(page, "Save single sign-on").click();
        assertThat(page.locator("[data-saved]")).hasText("Single sign-on saved. The provider answers.");
        assertThat(page.locator("[data-provider=reachable]")).containsText("Reachable");
        assertThat(field(page, "Sign-in link")).hasValue("http://localhost:" + port + "/login/organisation/" + tenant.id);
        checkPage(page, "single sign-on reachable");
        Browser.screenshot(page, "sign-in-settings-reachable");
        // Opened again, the page asks the provider after it is shown.
        page.navigate(tenant.app() + "/settings/sign-in");
        assertThat(page.locator("[data-provider=reachable]")).isVisible();

        // An issuer where nothing answers: saved (the secret kept), and the page says so and why.
        page.getByLabel("Issuer").fill("http://127.0.0.1:1");
        button(page, "Save single sign-on").click();
        assertThat(page.locator("[data-warning]")).containsText("Saved, but the provider cannot be reached: "
                + "nothing accepts connections at 127.0.0.1:1 (connection refused).");
        assertThat(page.locator("[data-provider=unreachable]")).containsText("your people get the password form instead");
        assertThat(sso.connection(tenant.id).orElseThrow().issuer()).isEqualTo("http://127.0.0.1:1");
        checkPage(page, "single sign-on unreachable");
        Browser.screenshot(page, "sign-in-settings-unreachable");

        // Refusing password sign-in there would let nobody in: the page saves nothing and asks first.
        page.getByLabel("Only through the provider: refuse password sign-in").check();
        button(page, "Save single sign-on").click();
        assertThat(page.locator("[data-error]")).containsText("Nothing was saved: the provider cannot be reached");
        assertThat(sso.connection(tenant.id).orElseThrow().enforced()).isFalse();
        checkPage(page, "enforcing an unreachable provider asks first");
        page.getByLabel("Refuse password sign-in all the same: nobody can sign in until the provider answers").check();
        button(page, "Save single sign-on").click();
        // the refusal's page shows the stored settings' warning too: wait for the answer to this save
        assertThat(page.locator("[data-error]")).hasCount(0);
        assertThat(page.locator("[data-warning]")).containsText("Saved, but the provider cannot be reached");
        assertThat(sso.connection(tenant.id).orElseThrow().enforced()).isTrue();

        // Revoking asks first; the token stops working at once.
        button(page, "Revoke entra-provisioning").click();
        assertThat(dialog(page)).containsText("Revoke the SCIM token entra-provisioning?");
        checkPage(page, "revoke dialog");
        button(page, "Cancel").click();
        assertThat(dialog(page)).hasCount(0);
        assertThat(ApiClient.bearer(port, token).get("/scim/v2/Users").status()).as("cancelled: still works").isEqualTo(200);
        button(page, "Revoke entra-provisioning").click();
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke token")).click();
        assertThat(page.locator("[data-saved]")).hasText("SCIM token entra-provisioning revoked: it no longer works.");
        assertThat(page.locator("[data-no-tokens]")).isVisible();
        assertThat(ApiClient.bearer(port, token).get("/scim/v2/Users").status()).isEqualTo(401);

        // Turning single sign-on off asks first too. The revoke's form reloaded the page: its button opens the dialog
        // once htmx, a deferred script, has run (a click before that did nothing, once in a full run).
        Browser.whenLive(page);
        button(page, "Turn single sign-on off").click();
        assertThat(dialog(page)).containsText("Turn single sign-on off?");
        checkPage(page, "turn off dialog");
        dialog(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Turn off")).click();
        assertThat(page.locator("[data-saved]")).hasText("Single sign-on is off: your people sign in with a password.");
        assertThat(page.locator("[data-sso-state]")).hasText("Off");
        assertThat(sso.connection(tenant.id)).isEmpty();
    }

    @Test
    void on_a_phone_the_whole_page_fits_the_screen_and_passes_axe_and_a_planner_is_told_it_is_not_for_them() {
        Page planner = browser.signIn(tenant.email("grace"), AdminTenant.PASSWORD, Browser.PHONE, tenant.app() + "/settings/sign-in");
        assertThat(planner.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Not available to you"))).isVisible();
        planner.context().close();

        // Signed in first: enforced single sign-on at a provider that cannot be reached lets nobody sign in.
        Page page = browser.signedIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.PHONE);
        access.issue(tenant.id, ApiKeyScope.scim, "okta-provisioning-with-a-rather-long-name-for-a-phone").orElseThrow();
        sso.configure(tenant.id, new SsoSettings("http://127.0.0.1:1", "client-with-a-long-identifier-0123456789abcdef",
                "s", true, null)).orElseThrow();
        page.navigate(tenant.app() + "/settings/sign-in");
        Browser.whenLive(page);
        assertThat(page.locator("[data-provider=unreachable]")).containsText("nobody of your organisation can sign in");
        for (String copy : List.of("Copy Redirect URI", "Copy Sign-in link", "Copy SCIM base URL")) {
            var box = button(page, copy).boundingBox();
            assertThat(box.x + box.width).as(copy + " on the screen").isLessThanOrEqualTo(Browser.PHONE[0]);
        }
        checkPage(page, "phone, single sign-on enforced and unreachable, a token");
        Browser.screenshot(page, "phone-sign-in-settings");
        page.getByLabel("New token's name").fill("phone");
        button(page, "Create SCIM token").click();
        assertThat(page.locator("[data-token]")).isVisible();
        checkPage(page, "phone, a new SCIM token");
        button(page, "Revoke phone").click();
        checkPage(page, "phone, revoke dialog");
        page.context().close();
    }
}
