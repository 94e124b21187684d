package com.aicredits.demo;

import com.aicredits.access.Access;
import com.aicredits.access.ApiKeyScope;
import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.directory.Source;
import com.aicredits.directory.UserChange;
import com.aicredits.ledger.Actor;
import com.aicredits.ledger.Allocated;
import com.aicredits.ledger.Authorized;
import com.aicredits.ledger.Ledger;
import com.aicredits.ledger.Purchased;
import com.aicredits.ledger.RequestId;
import com.aicredits.ledger.Settled;
import com.aicredits.requests.CreditRequests;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.AllowanceTerms;
import com.aicredits.settings.Period;
import com.aicredits.settings.SettingsChange;
import com.aicredits.settings.TenantSettings;
import com.aicredits.shared.Credits;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import com.aicredits.webhooks.EndpointChange;
import com.aicredits.webhooks.Webhooks;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Seeds "Demo Manufacturing" once, through the same facades the API uses, so every figure it shows is
 * backed by real ledger entries: purchases, allocations at every level of use, one user over-consumed
 * to -5 (12 available, a request costing 17), one user whose credits were removed (closed allocation),
 * a request still holding credits, users waiting for an allocation, and a deactivated user. Part two: users on a
 * monthly reset allowance and one on a weekly top-up, a default allowance for Viewers (the Viewer registered last got
 * it at once), and an allowance the pool could not cover in full (its shortfall shows in the API and the history; a
 * later purchase waits for an admin to run grant-current-period). A disabled webhook endpoint pointing at nothing, and a
 * SCIM token for the customer's directory.
 * Credit requests approved, declined and pending, and the notifications the alerts and the requests raised. Sixty
 * days of use over four features ({@link DemoUsage}, written through the ledger backdated) so the usage charts and the
 * runways tell a story: three planners and Jean (before her weekly top-up) run out within the week.
 */
@Component
@ConditionalOnProperty(name = "aicredits.demo.enabled", havingValue = "true")
class DemoTenant implements ApplicationRunner {

    /** Well known, so the README's examples can name it. */
    static final TenantId ID = TenantId.of("de000000-0000-4000-8000-000000000001");

    /** Every demo user signs in with their email and this password (README). */
    static final String PASSWORD = "demo-credits";

    private static final Logger log = LoggerFactory.getLogger(DemoTenant.class);
    private static final Actor OPERATOR = new Actor("platform");
    private static final Actor ADMIN = new Actor("ada.lovelace@demo.example"); // as her own sign-in records her
    private static final Actor CANVAS = new Actor("key:supply-chain-canvas");

    /** name, role, credits assigned (0 = none yet), credits consumed through the Canvas. */
    private record Person(String name, Role role, int assigned, BigDecimal consumed) {
        Person(String name, Role role, int assigned, String consumed) {
            this(name, role, assigned, new BigDecimal(consumed));
        }
    }

    private static final List<Person> PEOPLE = List.of(
            new Person("Ada Lovelace", Role.Admin, 1000, "212.5"),
            new Person("Grace Hopper", Role.Admin, 800, "95"),
            new Person("Alan Turing", Role.Planner, 600, "598.5"),      // low: 1.5 left, a few Canvas questions from the lock
            new Person("Katherine Johnson", Role.Planner, 500, "431.25"),
            new Person("Edsger Dijkstra", Role.Planner, 400, "400"),    // exhausted: exactly 0 left
            new Person("Barbara Liskov", Role.Planner, 750, "120"),
            new Person("Donald Knuth", Role.Planner, 300, "0"),
            new Person("Margaret Hamilton", Role.Planner, 450, "380"),  // low
            new Person("John McCarthy", Role.Planner, 350, "88"),       // over-consumed below, to -5
            new Person("Frances Allen", Role.Planner, 250, "61.375"),
            new Person("Ken Thompson", Role.Viewer, 150, "45"),
            new Person("Radia Perlman", Role.Viewer, 200, "199"),       // low: 1 left
            new Person("Leslie Lamport", Role.Viewer, 120, "15"),
            new Person("Hedy Lamarr", Role.Viewer, 100, "0"),
            new Person("Tim Berners-Lee", Role.Planner, 400, "160"),
            new Person("Sophie Wilson", Role.Planner, 300, "75"),
            new Person("Dennis Ritchie", Role.Planner, 200, "60"),      // removed below: leaves the table
            new Person("Anita Borg", Role.Viewer, 180, "20"),
            new Person("Guido van Rossum", Role.Planner, 0, "0"),       // not assigned yet
            new Person("Bjarne Stroustrup", Role.Planner, 0, "0"),
            new Person("Shafi Goldwasser", Role.Viewer, 0, "0"),
            new Person("Whitfield Diffie", Role.Viewer, 0, "0"),
            new Person("Fran Bilas", Role.Viewer, 0, "0"),
            new Person("Jean Sammet", Role.Planner, 0, "0"),
            new Person("Charles Babbage", Role.Viewer, 0, "0"));        // deactivated below

    private final Directory directory;
    private final Access access;
    private final Ledger ledger;
    private final TenantSettings settings;
    private final Webhooks webhooks;
    private final CreditRequests requests;
    private final java.time.Clock clock;

    DemoTenant(Directory directory, Access access, Ledger ledger, TenantSettings settings, Webhooks webhooks,
            CreditRequests requests, java.time.Clock clock) {
        this.clock = clock;
        this.directory = directory;
        this.access = access;
        this.ledger = ledger;
        this.settings = settings;
        this.webhooks = webhooks;
        this.requests = requests;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (directory.tenant(ID).isPresent()) {
            log.info("Demo tenant {} already seeded", ID);
            return;
        }
        seed();
        log.info("Seeded demo tenant 'Demo Manufacturing' ({})", ID);
    }

    /** The AI features the demo's consumption is spread over (the usage chart stacks them). */
    static final List<String> FEATURES = List.of("canvas", "supplier-summary", "demand-forecast", "translate");
    private static final java.util.Map<String, Source> SOURCES = java.util.Map.of(
            "Barbara Liskov", Source.SCIM, "Margaret Hamilton", Source.SCIM, "Donald Knuth", Source.SSO);

    /** Whose use is not steady (DemoUsage): two planners using more and more, late joiners, one who moved on. */
    private static final Map<String, DemoUsage.Rhythm> RHYTHMS = Map.of(
            "Alan Turing", DemoUsage.Rhythm.RISING, "Katherine Johnson", DemoUsage.Rhythm.RISING,
            "Margaret Hamilton", DemoUsage.Rhythm.RISING, "Tim Berners-Lee", DemoUsage.Rhythm.JOINED_LATER,
            "Sophie Wilson", DemoUsage.Rhythm.JOINED_LATER, "Dennis Ritchie", DemoUsage.Rhythm.LEFT);

    /** A ledger write of the past, dated by {@link Ledger#backdated}. */
    private record Step(java.time.Instant at, Runnable write) {
    }

    void seed() {
        var usage = new DemoUsage(clock.instant());
        directory.createTenant(ID, "Demo Manufacturing");
        List<Step> past = new ArrayList<>();
        past.add(new Step(usage.at(0, 7, 0), () -> ledger.purchase(ID, credits("10000"), "PO-2026-0001", "Annual AI plan",
                OPERATOR, "demo-purchase-1").orElseThrow()));
        past.add(new Step(usage.at(DemoUsage.JOIN_DAY, 7, 0), () -> ledger.purchase(ID, credits("2500"), "PO-2026-0117",
                "Top-up for the planning season", OPERATOR, "demo-purchase-2").orElseThrow()));

        List<UserId> ids = new ArrayList<>();
        for (Person person : PEOPLE) {
            String email = person.name().toLowerCase().replace(' ', '.').replace("-", "") + "@demo.example";
            // Where people came from, so the Users tab shows every source: most typed in by an admin, some pushed by
            // the customer's directory (SCIM), some created at their first single sign-on (no password here).
            var source = SOURCES.getOrDefault(person.name(), Source.MANUAL);
            var registered = directory.register(ID, new NewUser(person.name(), email, person.role(),
                    source == Source.MANUAL ? null : "idp-" + ids.size(), source == Source.SSO ? null : PASSWORD, source));
            var user = registered.orElseThrow().id();
            ids.add(user);
            var rhythm = RHYTHMS.getOrDefault(person.name(), DemoUsage.Rhythm.STEADY);
            if (person.assigned() > 0) {
                int day = rhythm == DemoUsage.Rhythm.JOINED_LATER ? DemoUsage.JOIN_DAY : 0;
                past.add(new Step(usage.at(day, 7, 30), () -> ledger.assign(ID, user, Credits.of(person.assigned()),
                        "Initial allocation", ADMIN, null).orElseThrow()));
            }
            // Sixty days of requests over four features, so each user's history and the usage charts look like real use.
            int[] request = {0};
            for (var charge : usage.plan(user, person.consumed().movePointRight(3).longValueExact(), rhythm)) {
                int n = ++request[0];
                past.add(new Step(charge.at(), () -> ledger.charge(ID, new RequestId("demo-" + user + "-" + n), user,
                        charge.feature(), new Credits(charge.thousandths()), CANVAS).orElseThrow()));
            }
        }
        // The seed's negative-balance example: John's big forecast run ten days ago (350 assigned, 88 consumed over
        // the weeks, this 250: exactly 12 left), and today a request costing 17 against those 12: remaining -5.
        UserId mccarthy = ids.get(8);
        past.add(new Step(usage.at(DemoUsage.DAYS - 11, 15, 0), () -> ledger.charge(ID, new RequestId("demo-mccarthy-big"),
                mccarthy, "demand-forecast", credits("250"), CANVAS).orElseThrow()));
        // Oldest first, so each history reads in order; the sort is stable, so a day's purchase precedes its assigns.
        past.sort(java.util.Comparator.comparing(Step::at));
        past.forEach(step -> ledger.backdated(step.at(), () -> {
            step.write().run();
            return null;
        }));

        ledger.authorize(ID, new RequestId("demo-mccarthy-overrun"), mccarthy, "canvas", null, CANVAS).orElseThrow();
        ledger.settle(ID, new RequestId("demo-mccarthy-overrun"), credits("17"), CANVAS).orElseThrow();

        // A request still running: its hold shows as held until the sweeper expires it.
        ledger.authorize(ID, new RequestId("demo-running"), ids.get(5), "canvas", credits("25"), CANVAS).orElseThrow();

        // Reallocation: Dennis's unused credits go back to the pool, so he leaves the table.
        UserId ritchie = ids.get(16);
        ledger.remove(ID, ritchie, credits("140"), "Moved to another project", ADMIN, null).orElseThrow();

        directory.change(ID, ids.get(PEOPLE.size() - 1), new UserChange(null, null, false));

        allowances(ids);
        webhook();
        // The token the customer's directory provisions with (its users above have source SCIM), as an admin creates it
        // on Settings → Sign-in & provisioning; the key itself is not kept, so nobody can use it.
        access.issue(ID, ApiKeyScope.scim, "entra-provisioning").orElseThrow();
        creditRequests(ids);
    }

    /**
     * A webhook endpoint pointing at nothing (a name that never resolves), turned off, with a test event waiting in
     * its delivery log: what the Webhooks section looks like before the finance system is connected.
     */
    private void webhook() {
        var endpoint = webhooks.register(ID, "https://finance.demo.invalid/ai-credits/webhooks", List.of("*"),
                "Finance system (not connected yet)", "demo-webhook").orElseThrow().endpoint().id();
        webhooks.change(ID, endpoint, new EndpointChange(null, null, false, null)).orElseThrow();
        webhooks.sendTest(ID, endpoint).orElseThrow();
    }

    /**
     * Credit requests in each state: one approved (another amount, with a note), one declined, one pending for the
     * admins to decide. With the alerts the charges above raised (low, used up, for the users and the admins), the
     * notification centre has something in every state too.
     */
    private void creditRequests(List<UserId> ids) {
        var radia = requests.file(ID, ids.get(11), credits("100"), "Reviewing the network capacity plan", "radia.perlman@demo.example")
                .orElseThrow();
        requests.approve(ID, radia.id(), credits("40"), "40 now; ask again next month if you need more", ADMIN.name()).orElseThrow();
        var margaret = requests.file(ID, ids.get(7), credits("500"), "Simulating every launch window", "margaret.hamilton@demo.example")
                .orElseThrow();
        requests.decline(ID, margaret.id(), "Too much for this quarter; let us talk about a smaller scope", ADMIN.name()).orElseThrow();
        // Edsger has used everything up and is waiting: the admins' pending count shows 1.
        requests.file(ID, ids.get(4), credits("150"), "Finishing the shortest-path study for the new warehouses",
                "edsger.dijkstra@demo.example").orElseThrow();
    }

    /** Recurring allowances, a Viewers' default and a grant the pool could not cover. */
    private void allowances(List<UserId> ids) {
        allowance(ids.get(18), "200", Period.MONTHLY, AllowanceMode.RESET, "Monthly planning budget");   // Guido
        allowance(ids.get(19), "150", Period.MONTHLY, AllowanceMode.RESET, "Monthly planning budget");   // Bjarne
        allowance(ids.get(23), "100", Period.WEEKLY, AllowanceMode.TOP_UP, "Weekly what-if analyses");   // Jean
        // Jean has run 95 of this week's 100 in what-if analyses already: at this pace she runs out before her top-up.
        for (int n = 1; n <= 8; n++) {
            ledger.charge(ID, new RequestId("demo-jean-" + n), ids.get(23), n % 3 == 0 ? "supplier-summary" : "demand-forecast",
                    credits(n == 8 ? "11" : "12"), CANVAS).orElseThrow();
        }
        settings.change(ID, new SettingsChange(null, null, null, null, Map.of(Role.Viewer,
                Optional.of(new AllowanceTerms(Credits.of(50), Period.MONTHLY, AllowanceMode.RESET))))).orElseThrow();
        // Registered after the Viewers' default was set: gets 50 credits at once, and every month.
        directory.register(ID, new NewUser("Mary Kenneth Keller", "mary.kenneth.keller@demo.example", Role.Viewer,
                null, PASSWORD)).orElseThrow();
        // More than the pool holds: Donald gets what is left, the rest is recorded as the grant's shortfall.
        allowance(ids.get(6), "6000", Period.MONTHLY, AllowanceMode.TOP_UP, "Research sabbatical");
        // The purchase that followed; an admin has yet to complete the month's grants (grant-current-period).
        ledger.purchase(ID, credits("2000"), "PO-2026-0142", "Top-up after the allowance shortfall", OPERATOR,
                "demo-purchase-3").orElseThrow();
    }

    private void allowance(UserId user, String credits, Period period, AllowanceMode mode, String note) {
        ledger.allowances().set(ID, user, new AllowanceTerms(credits(credits), period, mode), note, ADMIN).orElseThrow();
    }

    /**
     * Once the application answers: where to point a browser and whom to sign in as, so a newcomer need not
     * look for them in the README.
     */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void ready(org.springframework.boot.context.event.ApplicationReadyEvent event) {
        String port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
        log.info("""
                AI Credits demo is ready: open http://localhost:{}/
                  Admin:   ada.lovelace@demo.example / {}
                  Planner: alan.turing@demo.example / {} (1.5 credits left: a few Canvas questions from the lock)""",
                port, PASSWORD, PASSWORD);
    }

    private static Credits credits(String text) {
        return Credits.parse(text).orElseThrow();
    }
}
