package com.aicredits.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.SQLException;
import java.util.List;

/**
 * What every fault test stands on: its own PostgreSQL, the packaged service on it, a tenant with users and
 * credits, a workload ready to start, the journal of answers, and the ledger checks to finish with. Files
 * (PostgreSQL's data, the service's log) are under target/faults/&lt;test&gt;.
 */
final class Rig<D extends PostgresServer> implements AutoCloseable {

    /**
     * Holds live 3 s and the sweeper looks every second, so within a short test holds expire, late settles
     * arrive after the sweeper, and the two race.
     */
    private static final List<String> SERVICE_SETTINGS = List.of("--aicredits.ledger.hold-ttl=3s",
            "--aicredits.ledger.sweeper.interval=1s");
    private static final int USERS = 24;

    final Seed seed;
    final D database;
    final ServiceProcess service;
    final Api api;
    final Tenant tenant;
    final Operations operations;
    final Journal journal;
    final Workload workload;

    /** A tenant with its own operations, journal and (not yet started) workload. */
    record Tenancy(Tenant tenant, Operations operations, Journal journal, Workload workload) {
    }

    private Rig(String name, Seed seed, D database, ServiceProcess service) throws IOException {
        this.seed = seed;
        this.database = database;
        this.service = service;
        this.api = new Api(service.uri());
        var main = tenancy(name, USERS);
        this.tenant = main.tenant();
        this.operations = main.operations();
        this.journal = main.journal();
        this.workload = main.workload();
    }

    /** Another tenant on the same service, its users given credits. */
    Tenancy tenancy(String name, int users) throws IOException {
        var created = Tenant.create(api, service.platformKey(), name, users, new BigDecimal("1000000"));
        var ops = new Operations(service.uri(), api, created);
        var answers = new Journal();
        var load = new Workload(seed, created, ops, answers, name);
        load.assignEveryone(1_000_000);
        return new Tenancy(created, ops, answers, load);
    }

    /**
     * {@code faults.work.dir} (target/faults); but as root, the PostgreSQL programs run as the postgres
     * user, who cannot enter a clone inside a directory closed to others (as {@code mktemp -d} makes): then a
     * directory under the system's temporary directory, named in every failure message and report.
     */
    private static Path workDir() {
        Path local = Path.of(System.getProperty("faults.work.dir", "target/faults")).toAbsolutePath();
        if (!"root".equals(System.getProperty("user.name")) || openToOthers(local.getParent())) {
            return local;
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "aicredits-faults-" + ProcessHandle.current().pid());
    }

    private static boolean openToOthers(Path dir) {
        try {
            for (Path p = dir; p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Rig<Database> start(String name) throws IOException {
        return start(name, List.of());
    }

    /** {@code settings}: more {@code --name=value} arguments for the service, beside the short hold time-to-live. */
    static Rig<Database> start(String name, List<String> settings) throws IOException {
        return start(name, settings, dir -> Database.create(dir.resolve("postgres")));
    }

    /** {@code server}: makes the PostgreSQL (or cluster) the service uses, in the test's directory. */
    static <D extends PostgresServer> Rig<D> start(String name, List<String> settings,
            java.util.function.Function<Path, D> server) throws IOException {
        var seed = Seed.forTest(name);
        Path dir = workDir().resolve(name);
        deleteRecursively(dir); // the data and log of an earlier run
        var database = server.apply(dir);
        var all = new java.util.ArrayList<>(SERVICE_SETTINGS);
        all.addAll(settings);
        var service = new ServiceProcess(dir.resolve("service.log"), database, all);
        try {
            service.start();
            return new Rig<>(name, seed, database, service);
        } catch (RuntimeException | IOException | Error e) {
            service.close();
            database.close();
            throw e;
        }
    }

    /** The ledger checks; returns how many answered operations were checked. */
    int verifyLedger() throws SQLException, IOException {
        return verifyLedger(new Tenancy(tenant, operations, journal, workload));
    }

    int verifyLedger(Tenancy tenancy) throws SQLException, IOException {
        return new LedgerChecks(database, api, service.platformKey(), tenancy.tenant())
                .verify(tenancy.journal(), tenancy.workload(), seed);
    }

    void report(String test, String faults, int checked) {
        System.out.printf("[%s] %s; %s; %d answers checked against the ledger (service log: %s)%n", test, faults,
                journal.summary(), checked, service.log());
    }

    @Override
    public void close() {
        service.close();
        database.close();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
