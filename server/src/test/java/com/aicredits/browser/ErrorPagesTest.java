package com.aicredits.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.RequestOptions;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A page a person cannot open (an unknown or foreign id, a role that may not see it) answers a page they can
 * read, with a way on, instead of the problem document an API client reads; the API and htmx's own requests
 * still get the problem document.
 */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorPagesTest extends AdminBrowserTest {

    @Test
    void an_unknown_users_history_is_a_page_that_says_so_and_leads_back_to_the_tab() {
        Page page = browser.signedIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.DESKTOP);
        String unknown = tenant.app() + "/credits/users/" + UUID.randomUUID() + "/history";
        var response = page.navigate(unknown);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.headerValue("content-type")).startsWith("text/html");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).hasText("Page not found");
        assertThat(page).hasTitle("Page not found · AI Credits");
        assertThat(page.locator("main")).not().containsText("NOT_FOUND");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to AI Credits")).click();
        assertThat(page).hasURL(java.util.regex.Pattern.compile(".*" + tenant.app() + "/credits$"));
        assertThat(page.locator("#table")).containsText("Grace Planner");
    }

    @Test
    void a_malformed_user_id_in_a_history_address_is_the_same_page_and_still_a_problem_to_htmx() {
        Page page = browser.signedIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.DESKTOP);
        String malformed = tenant.app() + "/credits/users/not-a-uuid/history";
        var response = page.navigate(malformed);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.headerValue("content-type")).startsWith("text/html");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).hasText("Page not found");
        assertThat(page.locator("main")).not().containsText("NOT_FOUND");
        var htmx = page.request().get(malformed, RequestOptions.create().setHeader("HX-Request", "true"));
        assertThat(htmx.status()).isEqualTo(404);
        assertThat(htmx.headers().get("content-type")).startsWith("application/problem+json");
    }

    @Test
    void an_address_that_only_takes_a_form_opened_as_a_page_is_a_405_page_naming_the_method_it_takes() {
        Page page = browser.signedIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.DESKTOP);
        // A person reloading the address a form posted to.
        var response = page.navigate(tenant.app() + "/credits/bulk/apply");

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.headerValue("content-type")).startsWith("text/html");
        assertThat(response.headerValue("allow")).isEqualTo("POST");
    }

    @Test
    void a_planner_opening_the_admin_tab_is_told_it_is_not_for_their_role_and_led_to_their_balance() {
        Page page = browser.signedIn(tenant.email("grace"), AdminTenant.PASSWORD, Browser.DESKTOP);
        var response = page.navigate(tenant.app() + "/credits");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.headerValue("content-type")).startsWith("text/html");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).hasText("Not available to you");
        assertThat(page.locator("main")).containsText("Your role does not allow this page");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to AI Credits")).click();
        assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/me$"));
        Axe.check(page, "403 page");
    }

    @Test
    void on_a_phone_the_error_page_fits_the_screen_and_passes_axe() {
        Page page = browser.signedIn(tenant.email("admin"), AdminTenant.PASSWORD, Browser.PHONE);
        var response = page.navigate(tenant.app() + "/credits/users/" + UUID.randomUUID() + "/history");
        assertThat(response.status()).isEqualTo(404);
        assertThat((Boolean) page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"))
                .as("the error page scrolls sideways").isFalse();
        var back = page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to AI Credits")).boundingBox();
        assertThat(back.x + back.width).isLessThanOrEqualTo(390.0);
        Axe.check(page, "phone 404 page");
    }

    @Test
    void api_clients_and_the_pages_own_requests_still_get_the_problem_document() {
        Page page = admin();
        String unknown = tenant.app() + "/credits/users/" + UUID.randomUUID() + "/history";
        var json = page.request().get(unknown, RequestOptions.create().setHeader("Accept", "application/json"));
        assertThat(json.status()).isEqualTo(404);
        assertThat(json.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(json.text()).contains("\"code\":\"NOT_FOUND\"");
        var htmx = page.request().get(unknown, RequestOptions.create().setHeader("HX-Request", "true"));
        assertThat(htmx.status()).isEqualTo(404);
        assertThat(htmx.headers().get("content-type")).startsWith("application/problem+json");

        var api = page.request().get("/api/v1/tenants/" + tenant.id + "/credits/users/" + UUID.randomUUID() + "/entries",
                RequestOptions.create().setHeader("Accept", "text/html"));
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.headers().get("content-type")).startsWith("application/problem+json");
    }
}
