package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replicated PostgreSQL with automatic failover, from Debian's pg_auto_failover: a monitor and two nodes on
 * loopback ports, the second a synchronous standby of the first (a commit is acknowledged only once the standby
 * has it, so a primary that dies loses nothing acknowledged). The service reaches it through a multi-host URL with
 * {@code targetServerType=primary} and so follows whichever node is primary, without being told.
 *
 * <p>Each {@code pg_autoctl run} (the keeper, which starts and watches its PostgreSQL) runs in a session of its
 * own, so a node can be stopped whole (keeper and PostgreSQL) with one signal to that session.
 */
final class FailoverCluster implements PostgresServer {

    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    /** A node of the cluster: its name, port, data directory and the keeper's process (its session's leader). */
    record Node(String name, int port, Path data) {
    }

    private final Path dir;
    private final PgPrograms programs;
    private final int monitorPort = FreePort.find();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Process> keepers = new java.util.concurrent.ConcurrentHashMap<>();

    private FailoverCluster(Path dir) {
        this.dir = dir.toAbsolutePath();
        this.programs = new PgPrograms(this.dir);
    }

    /** A monitor, a primary and its synchronous standby, in {@code dir}; returns when both nodes serve. */
    static FailoverCluster create(Path dir) {
        var cluster = new FailoverCluster(dir);
        try {
            cluster.build();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void build() {
        autoctl("create", "monitor", "--pgdata", dir.resolve("monitor").toString(), "--pgport", Integer.toString(monitorPort),
                "--hostname", "localhost", "--auth", "trust", "--no-ssl");
        tuneMonitor(dir.resolve("monitor").resolve("postgresql.conf"));
        keepers.put("monitor", keeper(dir.resolve("monitor"), "monitor"));
        waitFor("the monitor", () -> monitorAnswers());
        for (String name : List.of("node1", "node2")) {
            var node = new Node(name, FreePort.find(), dir.resolve(name));
            autoctl("create", "postgres", "--pgdata", node.data().toString(), "--pgport", Integer.toString(node.port()),
                    "--hostname", "localhost", "--name", name, "--auth", "trust", "--no-ssl", "--monitor", monitorUri());
            // A primary cut off from the monitor and its standby demotes itself after this long: shorter than the
            // monitor's primary_demote_timeout (below), so two primaries never take writes at once.
            autoctl("config", "set", "--pgdata", node.data().toString(), "timeout.network_partition_timeout", "5");
            nodes.add(node);
            start(node);
            waitFor(name + " in the formation", () -> name.equals("node1") ? primary().isPresent() : replicated());
        }
    }

    /**
     * Failover within seconds rather than a minute. pg_auto_failover's defaults call a node unhealthy after 20 s
     * and then wait 30 s (primary_demote_timeout) for an unreachable primary to have demoted itself before the
     * standby takes writes. Here: unhealthy after 3 s of failed checks every second, and 8 s for the demotion,
     * still longer than the 5 s after which a partitioned primary demotes itself. The README's production section
     * gives the same figures and their trade-off.
     */
    private static void tuneMonitor(Path postgresqlConf) {
        try {
            Files.writeString(postgresqlConf, """

                    # Faster failover (FailoverCluster; the README's production section)
                    pgautofailover.health_check_period = 1000
                    pgautofailover.health_check_timeout = 1000
                    pgautofailover.health_check_retry_delay = 500
                    pgautofailover.node_considered_unhealthy_timeout = 3000
                    pgautofailover.primary_demote_timeout = 8000
                    """, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String jdbcUrl() {
        var hosts = nodes.stream().map(node -> "localhost:" + node.port()).toList();
        // A short connect timeout: a dead node must not hold a connection attempt for long before the next host.
        return "jdbc:postgresql://" + String.join(",", hosts) + "/postgres?targetServerType=primary&connectTimeout=2";
    }

    /** The node that takes writes now, as the monitor reports it. */
    java.util.Optional<Node> primary() {
        var names = states("select nodename from pgautofailover.node where reportedstate in ('primary', 'wait_primary', 'single') "
                + "and goalstate = reportedstate");
        return nodes.stream().filter(node -> names.contains(node.name())).findFirst();
    }

    /** True when one node is primary and the other its streaming synchronous standby: a fault loses nothing now. */
    boolean replicated() {
        return states("select reportedstate || '/' || goalstate from pgautofailover.node order by reportedstate")
                .equals(List.of("primary/primary", "secondary/secondary"));
    }

    /** Waits until the formation is a primary and its synchronous standby again (after a fault). */
    void awaitReplicated() {
        waitFor("a primary and its synchronous standby", this::replicated);
    }

    /** SIGKILL to the node's PostgreSQL (the postmaster); its keeper, still running, decides what happens next. */
    void killPostgres(Node node) {
        Database.signal("KILL", postmasterPid(node));
    }

    /** The whole node gone at once, as when its machine dies: SIGKILL to its keeper's session, PostgreSQL included. */
    void stopNode(Node node) {
        PgPrograms.killSession(keepers.remove(node.name()));
        var postmaster = pidIn(node.data().resolve("postmaster.pid"));
        postmaster.flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** The node's keeper started again: it rejoins the formation (as a standby, when the other node was promoted). */
    void start(Node node) {
        keepers.put(node.name(), keeper(node.data(), node.name()));
    }

    private Process keeper(Path pgdata, String name) {
        return programs.startInOwnSession(dir.resolve(name + ".log"), "pg_autoctl", "run", "--pgdata", pgdata.toString());
    }

    private void autoctl(String... args) {
        programs.run("pg_autoctl", args);
    }

    private String monitorUri() {
        return "postgres://autoctl_node@localhost:" + monitorPort + "/pg_auto_failover?sslmode=disable";
    }

    private boolean monitorAnswers() {
        try (var ignored = DriverManager.getConnection("jdbc:postgresql://localhost:" + monitorPort + "/pg_auto_failover",
                "autoctl_node", "")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private List<String> states(String sql) {
        try (var db = DriverManager.getConnection("jdbc:postgresql://localhost:" + monitorPort + "/pg_auto_failover",
                "autoctl_node", ""); var rs = db.createStatement().executeQuery(sql)) {
            var rows = new ArrayList<String>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(READY_WITHIN);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("%s within %s", what, READY_WITHIN).isBefore(deadline);
            ServiceProcess.pause(Duration.ofMillis(250));
        }
    }

    private static long postmasterPid(Node node) {
        return pidIn(node.data().resolve("postmaster.pid"))
                .orElseThrow(() -> new IllegalStateException("PostgreSQL of " + node.name() + " is not running"));
    }

    private static java.util.Optional<Long> pidIn(Path pidFile) {
        try {
            return java.util.Optional.of(Long.parseLong(Files.readAllLines(pidFile).getFirst().strip()));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Every keeper's session killed, and every PostgreSQL with all its children. The process trees are read before
     * anything is killed: killing a keeper's session can take its postmaster down first, and the postmaster's
     * children (the monitor's logger and health-check worker) are then re-parented to init, out of reach of a tree
     * read afterwards, and go on probing the nodes' ports (seen after runs).
     */
    @Override
    public void close() {
        var postmasters = new ArrayList<Path>();
        nodes.forEach(node -> postmasters.add(node.data().resolve("postmaster.pid")));
        postmasters.add(dir.resolve("monitor").resolve("postmaster.pid"));
        var trees = new ArrayList<ProcessHandle>();
        for (var pidFile : postmasters) {
            pidIn(pidFile).flatMap(ProcessHandle::of).ifPresent(postmaster -> {
                trees.add(postmaster);
                trees.addAll(postmaster.descendants().toList());
            });
        }
        keepers.values().forEach(PgPrograms::killSession);
        keepers.clear();
        trees.forEach(ProcessHandle::destroyForcibly);
    }
}
