package com.aicredits.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.OpenIdProvider;
import com.aicredits.OpenIdProvider.Tokens;
import com.aicredits.TestApplication;
import com.aicredits.access.SingleSignOn;
import com.aicredits.access.SsoSettings;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.directory.Source;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.TenantId;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Single sign-on against a real OpenID provider (Spring Authorization Server on a loopback port of this JVM),
 * driven through Chromium: the e-mail first, the redirect, the sign-in at the provider (no consent screen), the
 * callback, and the landing page of the right tenant. Refusals: a person the tenant does not know, a deactivated
 * one, ID tokens with a wrong audience or issuer (refused by the library's validation), a password where the
 * tenant enforces single sign-on. Just-in-time creation with the tenant's role, and the organisation picker.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SingleSignOnBrowserTest extends AdminBrowserTest {

    @Autowired SingleSignOn sso;
    @Autowired JdbcClient jdbc;

    OpenIdProvider provider;

    @BeforeAll
    void startProvider() {
        provider = new OpenIdProvider();
    }

    @AfterAll
    void stopProvider() {
        provider.close();
    }

    /** The tenant's single sign-on at the test provider, with a client that makes ID tokens this way. */
    private void connect(TenantId tenantId, Tokens tokens, boolean enforced, Role justInTime) {
        String client = provider.client(port, tenantId.toString(), tokens);
        sso.configure(tenantId, new SsoSettings(provider.issuer(), client, "secret-" + client, enforced, justInTime))
                .orElseThrow();
    }

    /** Signs in on the provider's own login form (it asks for no consent), and waits to be back here. */
    private void signInAtProvider(Page page, OpenIdProvider.Person person) {
        page.waitForURL(url -> url.startsWith(provider.issuer()));
        page.getByLabel("Username").fill(person.username());
        page.getByLabel("Password").fill(person.password());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL(url -> url.startsWith("http://localhost:" + port + "/") && !url.contains("/login/oauth2/code/"));
    }

    private Page emailFirst(String email) {
        Page page = browser.window(Browser.DESKTOP);
        page.navigate("/login");
        page.getByLabel("Email").fill(email);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Continue")).click();
        return page;
    }

    @Test
    void a_person_signs_in_at_their_organisations_provider_and_lands_on_their_tenants_page() {
        connect(tenant.id, Tokens.HONEST, false, null);
        var grace = provider.person(tenant.email("grace"), "Grace at the provider", true);

        Page page = emailFirst(tenant.email("grace"));
        String name = directory.tenant(tenant.id).orElseThrow().name();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Continue with " + name + " sign-in")).click();
        signInAtProvider(page, grace);

        assertThat(page.url()).endsWith(tenant.app() + "/me");
        assertThat(page.locator("nav").innerText()).contains(tenant.email("grace"));
        Browser.screenshot(page, "sso-landed");
        // The provider's subject is now the person's identity here.
        assertThat(jdbc.sql("select sso_subject from users where tenant_id = ? and id = ?")
                .params(tenant.id.value(), tenant.grace.value()).query(String.class).single()).isEqualTo(grace.username());
        // The session ends at deactivation, as a password session does.
        var context = page.context();
        directory.change(tenant.id, tenant.grace, new UserChange(null, null, false, null, null)).orElseThrow();
        // Asked from a new tab of the same browser (same cookies): the open page hears the change and may leave for
        // the sign-in page by itself, which aborted a navigation started on it at that moment (seen once in CI).
        Page again = context.newPage();
        again.navigate(tenant.app() + "/me");
        assertThat(again.url()).contains("/login");
        context.close();
    }

    @Test
    void where_the_tenant_enforces_single_sign_on_the_email_leads_straight_to_the_provider_and_a_password_is_refused() {
        connect(tenant.id, Tokens.HONEST, true, null);
        var ada = provider.person(tenant.email("admin"), "Ada", true);

        Page page = emailFirst(tenant.email("admin"));
        signInAtProvider(page, ada);
        assertThat(page.url()).endsWith(tenant.app() + "/credits");
        page.context().close();

        // The right password, sent straight to the form's address: refused with a clear message, no session signed in.
        var client = ApiClient.anonymous(port);
        var response = client.sendForm("/login", "username=" + URLEncoder.encode(tenant.email("admin"), StandardCharsets.UTF_8)
                + "&password=" + AdminTenant.PASSWORD);
        assertThat(response.status()).isEqualTo(302);
        assertThat(response.header("Location")).isEqualTo("/login?provider-only");
        assertThat(client.get("/login?provider-only").text()).contains("through its identity provider, not with a password here");
    }

    /** Enforced, with a provider nobody can reach: the page says so and leads back, it is no dead end. */
    @Test
    void where_the_enforced_provider_cannot_be_reached_the_page_says_so_and_leads_back_to_another_email() {
        sso.configure(tenant.id, new SsoSettings("http://127.0.0.1:1", "app", "secret", true, null)).orElseThrow();

        Page page = emailFirst(tenant.email("admin"));
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ALERT)).containsText("which cannot be reached right now");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Use another email")).click();
        PlaywrightAssertions.assertThat(page.getByLabel("Email")).isVisible();
        assertThat(page.url()).endsWith("/login");
        page.context().close();
    }

    @Test
    void a_person_the_tenant_does_not_know_is_refused_with_a_page_that_says_so_and_nobody_is_created() {
        connect(tenant.id, Tokens.HONEST, true, null);
        String stranger = "stranger-" + UUID.randomUUID().toString().substring(0, 6) + "@" + tenant.domain;
        var person = provider.person(stranger, "Stranger", true);

        Page page = browser.window(Browser.DESKTOP);
        page.navigate("/login/organisation/" + tenant.id);
        signInAtProvider(page, person);
        assertThat(page.url()).contains("/login/sso-refused?reason=unknown_person");
        assertThat(page.locator("[data-reason=unknown]").innerText()).contains("has no user for you");
        assertThat(directory.userByEmail(tenant.id, stranger)).isEmpty();
        page.navigate(tenant.app() + "/me");
        assertThat(page.url()).as("not signed in").contains("/login");
        page.context().close();
    }

    @Test
    void a_deactivated_user_is_refused() {
        connect(tenant.id, Tokens.HONEST, true, null);
        var ken = provider.person(tenant.email("ken"), "Ken", true);
        directory.change(tenant.id, tenant.ken, new UserChange(null, null, false, null, null)).orElseThrow();

        Page page = emailFirst(tenant.email("ken"));
        // Ken's e-mail is held by no active user, so the e-mail step offers the password; his organisation's link works.
        page.navigate("/login/organisation/" + tenant.id);
        signInAtProvider(page, ken);
        assertThat(page.url()).contains("reason=deactivated");
        PlaywrightAssertions.assertThat(page.locator("[data-reason=deactivated]")).isVisible();
        page.context().close();
    }

    @Test
    void with_just_in_time_creation_an_unknown_person_is_registered_with_the_tenants_role_as_an_sso_user() {
        connect(tenant.id, Tokens.HONEST, true, Role.Viewer);
        String newcomer = "newcomer-" + UUID.randomUUID().toString().substring(0, 6) + "@" + tenant.domain;
        var person = provider.person(newcomer, "Nora Newcomer", true);

        Page page = browser.window(Browser.DESKTOP);
        page.navigate("/login/organisation/" + tenant.id);
        signInAtProvider(page, person);
        assertThat(page.url()).endsWith(tenant.app() + "/me");
        var created = directory.userByEmail(tenant.id, newcomer).orElseThrow();
        assertThat(created.role()).isEqualTo(Role.Viewer);
        assertThat(created.source()).isEqualTo(Source.SSO);
        assertThat(created.name()).isEqualTo("Nora Newcomer");
        page.context().close();
    }

    @Test
    void an_email_the_provider_calls_unverified_matches_nobody() {
        connect(tenant.id, Tokens.HONEST, true, Role.Viewer);
        var unverified = provider.person(tenant.email("linus"), "Linus?", false);

        Page page = browser.window(Browser.DESKTOP);
        page.navigate("/login/organisation/" + tenant.id);
        signInAtProvider(page, unverified);
        assertThat(page.url()).contains("reason=unknown_person");
        assertThat(jdbc.sql("select sso_subject from users where tenant_id = ? and id = ?")
                .params(tenant.id.value(), tenant.linus.value()).query(String.class).optional()).isEmpty();
        page.context().close();
    }

    @Test
    void id_tokens_for_another_audience_or_from_another_issuer_are_refused_by_the_library() {
        for (Tokens bad : new Tokens[] {Tokens.WRONG_AUDIENCE, Tokens.WRONG_ISSUER}) {
            var other = new AdminTenant(directory, ledger);
            connect(other.id, bad, true, Role.Admin);
            var person = provider.person(other.email("admin"), "Ada", true);

            Page page = browser.window(Browser.DESKTOP);
            page.navigate("/login/organisation/" + other.id);
            signInAtProvider(page, person);
            assertThat(page.url()).as(bad.name()).contains("/login/sso-refused?reason=provider");
            page.navigate(other.app() + "/credits");
            assertThat(page.url()).as(bad + ": not signed in").contains("/login");
            assertThat(jdbc.sql("select count(*) from users where tenant_id = ? and sso_subject is not null")
                    .param(other.id.value()).query(Long.class).single()).as(bad.name()).isZero();
            page.context().close();
        }
    }

    @Test
    void an_email_held_in_two_organisations_is_asked_which_one_and_signs_in_there() {
        var second = new AdminTenant(directory, ledger);
        String shared = "both-" + UUID.randomUUID().toString().substring(0, 6) + "@shared.example";
        directory.register(tenant.id, new NewUser("Sam First", shared, Role.Planner, null, AdminTenant.PASSWORD)).orElseThrow();
        directory.register(second.id, new NewUser("Sam Second", shared, Role.Admin, null, AdminTenant.PASSWORD)).orElseThrow();
        String secondName = directory.tenant(second.id).orElseThrow().name();

        Page page = emailFirst(shared);
        PlaywrightAssertions.assertThat(page.getByText("more than one organisation")).isVisible();
        Browser.screenshot(page, "sso-organisation-picker");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(secondName)).click();
        page.getByLabel("Password").fill(AdminTenant.PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in").setExact(true)).click();
        page.waitForURL(url -> !url.contains("/login"));
        assertThat(page.url()).endsWith(second.app() + "/credits");
        page.context().close();
    }

    @Test
    void the_sign_in_steps_and_the_refusal_page_pass_axe_and_fit_a_phone() {
        connect(tenant.id, Tokens.HONEST, false, null);
        var second = new AdminTenant(directory, ledger);
        String shared = "axe-" + UUID.randomUUID().toString().substring(0, 6) + "@shared.example";
        directory.register(tenant.id, new NewUser("Axe First", shared, Role.Planner, null, AdminTenant.PASSWORD)).orElseThrow();
        directory.register(second.id, new NewUser("Axe Second", shared, Role.Planner, null, AdminTenant.PASSWORD)).orElseThrow();
        for (int[] screen : new int[][] {Browser.DESKTOP, Browser.PHONE}) {
            String size = screen == Browser.PHONE ? "phone" : "desktop";
            Page page = browser.window(screen);
            page.navigate("/login");
            checkPage(page, "e-mail step, " + size);
            page.getByLabel("Email").fill(tenant.email("grace"));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Continue")).click();
            PlaywrightAssertions.assertThat(page.locator("a[href^='/oauth2/authorization/']")).isVisible();
            checkPage(page, "password step beside single sign-on, " + size);
            page.navigate("/login");
            page.getByLabel("Email").fill(shared);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Continue")).click();
            checkPage(page, "organisation picker, " + size);
            page.navigate("/login/sso-refused?reason=unknown_person");
            checkPage(page, "refused single sign-on, " + size);
            page.navigate("/login?deactivated");
            PlaywrightAssertions.assertThat(page.locator("[data-reason=deactivated]")).isVisible();
            checkPage(page, "a deactivated account's right password, " + size);
            page.context().close();
        }
    }

    private static void checkPage(Page page, String where) {
        page.waitForLoadState(); // a step's Continue submits a form: its click returns once the next page starts loading
        Axe.check(page, where);
        assertThat((Boolean) page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))
                .as(where + ": no sideways scrolling").isTrue();
    }

    /**
     * A code and state issued for one tenant's sign-in, delivered at another tenant's callback address (as a
     * person or page tampering with the redirect would), even where that tenant creates people just in time: the
     * other tenant is not reached and nobody is created there. Driven
     * over plain HTTP, redirect by redirect, so the callback can be stopped before it is used.
     */
    @Test
    void a_callback_for_one_tenant_delivered_at_another_tenants_address_signs_in_to_the_first_only() throws Exception {
        connect(tenant.id, Tokens.HONEST, true, null);
        var other = new AdminTenant(directory, ledger);
        connect(other.id, Tokens.HONEST, true, Role.Admin);
        var ada = provider.person(tenant.email("admin"), "Ada", true);
        var http = java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        String app = "http://localhost:" + port;

        // Ours → the provider's authorization endpoint → its login form.
        String at = follow(http, app + "/login/organisation/" + tenant.id, app, url -> url.startsWith(provider.issuer()) && java.net.URI.create(url).getPath().equals("/login"));
        var form = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(at)).header("Accept", "text/html").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        var csrf = java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(form.body());
        assertThat(csrf.find()).as(form.body()).isTrue();
        var signedIn = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(provider.issuer() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=" + ada.username() + "&password="
                        + ada.password() + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        // The provider sends the person back with a code for this tenant's client: stop there.
        String callback = follow(http, signedIn.headers().firstValue("Location").orElseThrow(), provider.issuer(),
                url -> java.net.URI.create(url).getPath().startsWith("/login/oauth2/code/"));
        assertThat(callback).contains("/login/oauth2/code/" + tenant.id).contains("code=");

        var replayed = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                callback.replace("/login/oauth2/code/" + tenant.id, "/login/oauth2/code/" + other.id))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(replayed.statusCode()).isEqualTo(302);
        // The tenant is the one the sign-in was started for (kept with the authorization request), never the
        // address's: the person is signed in to their own tenant only, and the other stays out of reach.
        var own = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app + tenant.app() + "/credits")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(own.statusCode()).as("signed in to the tenant the sign-in started for").isEqualTo(200);
        var foreign = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app + other.app() + "/credits")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).as("the other tenant's page").isIn(403, 404);
        assertThat(directory.userByEmail(other.id, tenant.email("admin"))).as("nobody created in the other tenant").isEmpty();
    }

    /** Follows redirects from {@code url} until one leads where {@code stop} says; that address. */
    private static String follow(java.net.http.HttpClient http, String url, String base,
            java.util.function.Predicate<String> stop) throws Exception {
        String at = url.startsWith("/") ? base + url : url;
        for (int hop = 0; hop < 10; hop++) {
            if (stop.test(at)) {
                return at;
            }
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(at)).header("Accept", "text/html").build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(response.statusCode()).as(at).isEqualTo(302);
            String next = response.headers().firstValue("Location").orElseThrow();
            var uri = java.net.URI.create(at);
            at = next.startsWith("/") ? uri.getScheme() + "://" + uri.getAuthority() + next : next;
        }
        throw new AssertionError("too many redirects from " + url);
    }
}
