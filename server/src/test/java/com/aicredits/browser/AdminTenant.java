package com.aicredits.browser;

import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.RequestId;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.UUID;

/**
 * A fresh tenant for one browser test: Ada the admin, Grace (Planner, 100 assigned), Ken (Viewer, 12 assigned,
 * 17 consumed: -5) and Linus (Planner, waiting for credits); 1,000 purchased.
 */
final class AdminTenant {

    static final String PASSWORD = "browser-password";
    static final Actor SEED = new Actor("seed");

    final Directory directory;
    final Ledger ledger;
    final TenantId id;
    final String domain;
    final UserId grace;
    final UserId ken;
    final UserId linus;

    AdminTenant(Directory directory, Ledger ledger) {
        this.directory = directory;
        this.ledger = ledger;
        this.id = directory.createTenant("Browser Co " + UUID.randomUUID().toString().substring(0, 6)).id();
        this.domain = id.value().toString().substring(0, 8) + ".example";
        register("Ada Admin", "admin", Role.Admin);
        ledger.purchase(id, Credits.of(1000), "PO-1", null, SEED, null);
        grace = register("Grace Planner", "grace", Role.Planner);
        ken = register("Ken Viewer", "ken", Role.Viewer);
        linus = register("Linus Waiting", "linus", Role.Planner);
        ledger.assign(id, grace, Credits.of(100), null, SEED, null);
        ledger.assign(id, ken, Credits.of(12), null, SEED, null);
        ledger.authorize(id, new RequestId("big-" + ken), ken, "canvas", null, SEED);
        ledger.settle(id, new RequestId("big-" + ken), Credits.of(17), SEED); // 12 available, cost 17: -5
    }

    UserId register(String name, String local, Role role) {
        return directory.register(id, new NewUser(name, email(local), role, null, PASSWORD)).orElseThrow().id();
    }

    /** A user with credits assigned and exactly {@code consumed} of them used. */
    UserId withCredits(String name, String local, long assigned, long consumed) {
        var user = register(name, local, Role.Planner);
        ledger.assign(id, user, Credits.of(assigned), null, SEED, null);
        if (consumed > 0) {
            ledger.charge(id, new RequestId(UUID.randomUUID().toString()), user, "canvas", Credits.of(consumed), SEED);
        }
        return user;
    }

    String email(String local) {
        return local + "@" + domain;
    }

    String app() {
        return "/app/tenants/" + id;
    }

    static Locator row(Page page, String name) {
        return page.locator("#table tbody tr").filter(new Locator.FilterOptions().setHasText(name));
    }

    static Locator dialog(Page page) {
        return page.locator("dialog[open]");
    }
}
