package com.aicredits.browser;

import com.aicredits.directory.Directory;
import com.aicredits.ledger.Ledger;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the admin screen's browser tests share: one Chromium per class and a fresh {@link AdminTenant} per test,
 * whose admin signs in with {@link #admin()}. Subclasses carry {@code @TestApplication} and a per-class lifecycle.
 */
abstract class AdminBrowserTest {

    @LocalServerPort int port;
    @Autowired Directory directory;
    @Autowired Ledger ledger;

    Browser browser;
    AdminTenant tenant;

    @BeforeAll
    void startBrowser() {
        browser = new Browser(port);
    }

    @AfterAll
    void closeBrowser() {
        browser.close();
    }

    @BeforeEach
    void newTenant() {
        tenant = new AdminTenant(directory, ledger);
    }

    Page admin() {
        return browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD);
    }

    /** The admin signed in straight on this page (a path such as {@code tenant.app() + "/users"}), live. */
    Page admin(String path) {
        return browser.signIn(tenant.email("admin"), AdminTenant.PASSWORD, path);
    }
}
