package com.aicredits.browser;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Debian's Chromium driven by Playwright, one browser per test class; each test signs in on its own fresh
 * context (cookies, storage). Screenshots go to target/screenshots.
 */
public final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final String CHROMIUM = "/usr/bin/chromium";

    private final Playwright playwright;
    private final com.microsoft.playwright.Browser browser;
    private final String base;

    static {
        // As long as an action may take (below): a live update or a dialog has twice failed to show within
        // Playwright's default 5 s in fresh-clone runs where the whole suite loaded the machine, and passed after.
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(10_000);
    }

    public Browser(int port) {
        if (!Files.isExecutable(Paths.get(CHROMIUM))) {
            throw new IllegalStateException(CHROMIUM + " is missing: install it with `apt-get install -y chromium` (.ci/run does)");
        }
        this.playwright = Playwright.create();
        this.browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get(CHROMIUM))
                .setHeadless(true)
                .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
        this.base = "http://localhost:" + port;
    }

    /** A phone's screen (an iPhone 12 to 15): the narrow layout. */
    public static final int[] PHONE = {390, 844};
    public static final int[] DESKTOP = {1400, 900};

    /** A new browser window signed in as this person, on the page they land on. */
    public Page signIn(String email, String password) {
        return signIn(email, password, DESKTOP);
    }

    /**
     * The same, on a screen of this width and height (a phone: touch, small viewport). The window posts the sign-in
     * form's fields itself, as the password step does, and opens the page the answer leads to, which saves drawing
     * the two sign-in steps in every test (about a tenth of the browser tests' time, measured on two classes).
     * {@link #signInThroughTheForm} types them in instead.
     */
    public Page signIn(String email, String password, int[] screen) {
        Page page = window(screen);
        page.navigate(postSignIn(page, email, password));
        whenLive(page);
        return page;
    }

    /**
     * Signed in as this person, on this page (a path such as {@code /app/tenants/…/users}) instead of the one they
     * land on: a test that goes somewhere else first saves loading the landing page (and waiting for its stream).
     * Tests of the landing page itself keep {@link #signIn(String, String)}.
     */
    public Page signIn(String email, String password, String path) {
        return signIn(email, password, DESKTOP, path);
    }

    /** The same, on a screen of this width and height. The page is live when returned (htmx bound, its stream connected). */
    public Page signIn(String email, String password, int[] screen, String path) {
        Page page = signedIn(email, password, screen);
        page.navigate(path);
        whenLive(page);
        return page;
    }

    /**
     * A new window signed in as this person, on no page yet, for a test whose first navigation is itself under test
     * (its answer's status or headers), or that must change something between signing in and opening a page.
     */
    public Page signedIn(String email, String password, int[] screen) {
        Page page = window(screen);
        postSignIn(page, email, password);
        return page;
    }

    /** Posts the password form's fields from the window (its cookies) and answers where the sign-in leads. */
    private String postSignIn(Page page, String email, String password) {
        APIResponse answer = page.request().post("/login", RequestOptions.create()
                .setForm(FormData.create().set("username", email).set("password", password))
                .setHeader("Origin", base).setMaxRedirects(0));
        String landing = answer.headers().getOrDefault("location", "");
        if (answer.status() != 302 || landing.contains("/login")) {
            throw new AssertionError("signing in as " + email + " answered " + answer.status() + " to " + landing);
        }
        return landing;
    }

    /** Signs in as a person does: the e-mail step, Continue, the password step, Sign in. */
    public Page signInThroughTheForm(String email, String password) {
        Page page = window(DESKTOP);
        page.navigate("/login");
        page.getByLabel("Email").fill(email);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Continue")).click();
        // The e-mail step leads to the password form (no single sign-on for this person's organisation).
        page.getByLabel("Password").fill(password);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Sign in").setExact(true)).click();
        page.waitForURL(url -> !url.contains("/login"));
        whenLive(page);
        return page;
    }

    /** A new browser window (its own cookies and storage), signed in as nobody, on no page yet. */
    public Page window(int[] screen) {
        BrowserContext context = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setBaseURL(base).setViewportSize(screen[0], screen[1]).setHasTouch(screen == PHONE)
                // the page's CSP allows only its own scripts; axe-core is injected by the tests
                .setBypassCSP(true));
        context.setDefaultTimeout(10_000);
        Page page = context.newPage();
        // Browser-side errors (a blocked script, a failed request) end up in the test output.
        page.onConsoleMessage(message -> {
            if (message.type().equals("error") || message.type().equals("warning")) {
                System.out.println("[browser " + message.type() + "] " + message.text());
            }
        });
        page.onPageError(error -> System.out.println("[browser page error] " + error));
        return page;
    }

    /** Waits until the page's event stream is connected, so live updates and the first clicks do not race. */
    public static void waitUntilLive(Page page) {
        page.waitForSelector("body[data-live=connected]");
    }

    /**
     * On a page with a live stream, waits until it is connected, which also means htmx is loaded and bound:
     * a key pressed before that (scripts are deferred) would do nothing.
     */
    public static void whenLive(Page page) {
        page.waitForLoadState(); // deferred scripts (htmx) have run
        if (page.locator("[sse-connect]").count() > 0) {
            waitUntilLive(page);
        }
    }

    /**
     * Ticks a row's box, and once more if the click did not tick it: a live update that redraws the rows as the click
     * lands leaves it on the box being replaced (the page keeps a selection across redraws, not a click on a box that
     * is gone), and a person who saw the box stay empty would click again.
     */
    public static void tick(Locator box) {
        try {
            box.check();
        } catch (PlaywrightException redrawn) {
            try {
                box.check();
            } catch (PlaywrightException again) {
                again.addSuppressed(redrawn);
                throw again;
            }
        }
    }

    /**
     * Clicks a button that asks first (a confirmation), and once more if nothing asked within 3 s: a live update that
     * redraws the rows as the click lands leaves it on no button, and a person who saw nothing happen would click again.
     */
    public static void clickUntilAsked(Page page, Locator button, BooleanSupplier asked) {
        button.click();
        try {
            page.waitForCondition(asked, new Page.WaitForConditionOptions().setTimeout(3_000));
        } catch (TimeoutError lost) {
            button.click();
            page.waitForCondition(asked);
        }
    }

    public static void screenshot(Page page, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
