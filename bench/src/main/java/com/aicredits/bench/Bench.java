package com.aicredits.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The load generator: closed-loop clients (one platform thread each, synchronous JDK HttpClient calls over
 * HTTP/1.1 keep-alive connections), latencies recorded in HdrHistogram per client and merged. No Spring.
 *
 * <pre>
 * Bench setup --base URL --platform-key K --tenants N --out DIR
 * Bench webhooks / receive: see {@link WebhookLoad} (the --webhooks switch of bench/run.sh)
 * Bench load  --base URL --env DIR/bench.env [--concurrency 1,8,32,128] [--duration 10] [--warmup 2]
 *             [--workloads health,charge,pair,batch,balance,admin,usage,forecast,runway] [--admin-charge-clients 8] [--search abc]
 *             [--trivial-path /actuator/health] [--server-pid PID] [--out DIR]
 * </pre>
 *
 * Closed-loop: each client waits for its answer before sending the next request, so latencies are
 * service times under that concurrency (no coordinated-omission correction; throughput is the result).
 */
public final class Bench {

    /** What a charge / settle costs, in credits; seeded users hold 1,000,000 credits each. */
    static final String COST = "1";
    static final long COST_THOUSANDTHS = 1000;
    /** Charges per call of the batch workload (issue 16: the target is measured with 100). */
    static final int BATCH_ITEMS = Integer.getInteger("bench.batch-items", 100);

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: Bench setup|load [options]");
            System.exit(2);
        }
        Map<String, String> opts = options(args);
        switch (args[0]) {
            case "setup" -> setup(opts);
            case "load" -> System.exit(new Bench(opts).load());
            case "webhooks" -> WebhookLoad.register(opts);
            case "receive" -> WebhookLoad.receive(opts);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("unexpected " + args[i]);
            String key = args[i].substring(2);
            if (key.contains("=")) {
                opts.put(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            } else {
                opts.put(key, args[++i]);
            }
        }
        return opts;
    }

    static HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    // ------------------------------------------------------------------------------------------ setup

    /** Creates the tenants through the platform API, and an admin and a consume key for the first (largest). */
    static void setup(Map<String, String> opts) throws Exception {
        String base = opts.getOrDefault("base", "http://localhost:18080");
        String platform = "Bearer " + require(opts, "platform-key");
        int tenants = Integer.parseInt(opts.getOrDefault("tenants", "100"));
        Path out = Path.of(opts.getOrDefault("out", "bench/target"));
        Files.createDirectories(out);
        HttpClient http = http();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            String body = post(http, base + "/api/v1/tenants", platform,
                    "{\"name\":\"Bench tenant " + i + "\"}", 201);
            ids.add(field(body, "id"));
        }
        String big = ids.get(0);
        String admin = field(post(http, base + "/api/v1/tenants/" + big + "/api-keys", platform,
                "{\"scope\":\"admin\",\"name\":\"bench-admin\"}", 201), "key");
        String consume = field(post(http, base + "/api/v1/tenants/" + big + "/api-keys", platform,
                "{\"scope\":\"consume\",\"name\":\"bench-consume\"}", 201), "key");
        Files.writeString(out.resolve("tenants.txt"), String.join("\n", ids) + "\n");
        Files.writeString(out.resolve("bench.env"), "BIG_TENANT=" + big + "\nADMIN_KEY=" + admin
                + "\nCONSUME_KEY=" + consume + "\n");
        System.out.println("created " + tenants + " tenants; largest " + big);
    }

    static String post(HttpClient http, String url, String auth, String json, int expected) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException("POST " + url + " -> " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) throw new IllegalStateException("no " + name + " in " + json);
        return m.group(1);
    }

    static String require(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) throw new IllegalArgumentException("--" + key + " is required");
        return v;
    }

    /** The seeder's user ids: md5(tenant || ':' || n)::uuid, so clients and pgbench can pick users without a list. */
    static UUID userId(String tenant, int n) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest((tenant + ":" + n).getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(md5);
            return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16)
                    + "-" + hex.substring(16, 20) + "-" + hex.substring(20));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ load

    final String base;
    final String tenant;
    final String adminAuth;
    final String consumeAuth;
    final int users;
    final List<Integer> levels = new ArrayList<>();
    final Duration duration;
    final Duration warmup;
    final List<String> workloads;
    final int adminChargeClients;
    final long serverPid;
    final Path out;
    final String searchTerm;
    final String trivialPath;
    final String runId = Long.toString(System.currentTimeMillis(), 36);
    final HttpClient http = http();
    /** Credits (thousandths) consumed by successful charges and settles of this run: the reconciliation check. */
    final AtomicLong consumedThousandths = new AtomicLong();
    final AtomicLong requestSeq = new AtomicLong();
    final List<String> rows = new ArrayList<>();
    final Map<String, Double> throughput = new LinkedHashMap<>();
    final Map<String, String> errorSamples = new ConcurrentHashMap<>();
    long totalErrors;

    Bench(Map<String, String> opts) throws IOException {
        base = opts.getOrDefault("base", "http://localhost:18080");
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(require(opts, "env")))) {
            if (line.contains("=")) env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        tenant = env.get("BIG_TENANT");
        adminAuth = "Bearer " + env.get("ADMIN_KEY");
        consumeAuth = "Bearer " + env.get("CONSUME_KEY");
        users = Integer.parseInt(require(opts, "users"));
        for (String l : opts.getOrDefault("concurrency", "1,8,32,128").split(",")) levels.add(Integer.parseInt(l.trim()));
        duration = Duration.ofMillis((long) (Double.parseDouble(opts.getOrDefault("duration", "10")) * 1000));
        warmup = Duration.ofMillis((long) (Double.parseDouble(opts.getOrDefault("warmup", "2")) * 1000));
        workloads = List.of(opts.getOrDefault("workloads", "health,charge,pair,balance,admin").split(","));
        adminChargeClients = Integer.parseInt(opts.getOrDefault("admin-charge-clients", "8"));
        serverPid = Long.parseLong(opts.getOrDefault("server-pid", "0"));
        out = Path.of(opts.getOrDefault("out", "bench/target"));
        searchTerm = opts.getOrDefault("search", "abc");
        trivialPath = opts.getOrDefault("trivial-path", "/actuator/health");
    }

    /** One kind of call, with its own histogram per client thread. */
    record Op(String name) {
    }

    interface Client {
        /** Runs one unit of work (one or two calls), recording each call into the recorder. */
        void step(Recorder rec) throws Exception;
    }

    /** Per-thread histograms keyed by call name, plus errors; merged after the run. */
    final class Recorder {
        final Map<String, Histogram> calls = new LinkedHashMap<>();
        final Histogram units = new Histogram(3_600_000_000_000L, 3);
        long errors;
        volatile boolean recording;

        Histogram hist(String name) {
            return calls.computeIfAbsent(name, n -> new Histogram(3_600_000_000_000L, 3));
        }

        /** Sends one request; true if it answered with the expected status. */
        boolean call(String name, HttpRequest request, int expected) {
            return callForBody(name, request, expected) != null;
        }

        /** The answer's body when the status is the expected one, else null (counted as an error). */
        String callForBody(String name, HttpRequest request, int expected) {
            long start = System.nanoTime();
            try {
                var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                long took = System.nanoTime() - start;
                if (recording) hist(name).recordValue(took);
                if (response.statusCode() != expected) {
                    if (recording) {
                        errors++;
                        errorSamples.putIfAbsent(name + " " + response.statusCode(), trim(response.body()));
                    }
                    return null;
                }
                return response.body();
            } catch (Exception e) {
                if (recording) {
                    errors++;
                    errorSamples.putIfAbsent(name + " " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
                }
                return null;
            }
        }
    }

    static String trim(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    String api(String path) {
        return base + "/api/v1/tenants/" + tenant + path;
    }

    HttpRequest get(String url, String auth) {
        var b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (auth != null) b.header("Authorization", auth);
        return b.build();
    }

    HttpRequest postJson(String url, String auth, String json) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    String randomUser() {
        return userId(tenant, 1 + ThreadLocalRandom.current().nextInt(users)).toString();
    }

    String nextRequestId() {
        return "b-" + runId + "-" + requestSeq.incrementAndGet();
    }

    Client workload(String name) {
        return switch (name) {
            case "health" -> rec -> rec.call("health", get(base + trivialPath, null), 200);
            case "balance" -> rec -> rec.call("balance", get(api("/users/" + randomUser() + "/balance"), consumeAuth), 200);
            case "charge" -> rec -> {
                if (rec.call("charge", postJson(api("/consumption/charge"), consumeAuth,
                        "{\"requestId\":\"" + nextRequestId() + "\",\"userId\":\"" + randomUser()
                                + "\",\"feature\":\"bench\",\"cost\":" + COST + "}"), 201) && rec.recording) {
                    consumedThousandths.addAndGet(COST_THOUSANDTHS);
                }
            };
            // POST /consumption/charges with BATCH_ITEMS charges of random users (issue 16); reported in charges/s.
            case "batch" -> rec -> {
                var body = new StringBuilder("{\"items\":[");
                for (int i = 0; i < BATCH_ITEMS; i++) {
                    body.append(i == 0 ? "" : ",").append("{\"requestId\":\"").append(nextRequestId())
                            .append("\",\"userId\":\"").append(randomUser()).append("\",\"feature\":\"bench\",\"cost\":")
                            .append(COST).append('}');
                }
                String answer = rec.callForBody("batch", postJson(api("/consumption/charges"), consumeAuth,
                        body.append("]}").toString()), 200);
                if (answer != null && rec.recording) {
                    long settled = answer.split("\"SETTLED\"", -1).length - 1L;
                    consumedThousandths.addAndGet(settled * COST_THOUSANDTHS);
                    if (settled < BATCH_ITEMS) {
                        rec.errors += BATCH_ITEMS - settled;
                        errorSamples.putIfAbsent("batch item refused", trim(answer));
                    }
                }
            };
            case "pair" -> rec -> {
                String id = nextRequestId();
                if (rec.call("authorize", postJson(api("/consumption/authorize"), consumeAuth,
                        "{\"requestId\":\"" + id + "\",\"userId\":\"" + randomUser()
                                + "\",\"feature\":\"bench\",\"estimate\":" + COST + "}"), 201)) {
                    if (rec.call("settle", postJson(api("/consumption/" + id + "/settle"), consumeAuth,
                            "{\"cost\":" + COST + "}"), 200) && rec.recording) {
                        consumedThousandths.addAndGet(COST_THOUSANDTHS);
                    }
                }
            };
            case "admin" -> rec -> {
                rec.call("admin-summary", get(api("/credits/summary"), adminAuth), 200);
                rec.call("admin-page", get(api("/credits/users?q=" + searchTerm + "&sort=remaining,desc&page=0&size=50"),
                        adminAuth), 200);
            };
            // Usage over time (issue 14), each beside the background charge load like admin: the AI Credits tab's chart
            // (30 days by feature), the forecast, and the first table page sorted by runway.
            case "usage" -> rec -> rec.call("usage-30d-by-feature", get(api("/credits/usage?groupBy=feature"), adminAuth), 200);
            case "forecast" -> rec -> rec.call("forecast", get(api("/credits/forecast"), adminAuth), 200);
            case "runway" -> rec -> rec.call("runway-page",
                    get(api("/credits/users?sort=runsOutOn&page=0&size=50"), adminAuth), 200);
            default -> throw new IllegalArgumentException("unknown workload " + name);
        };
    }

    int load() throws Exception {
        System.out.printf(Locale.ROOT, "tenant %s, %d users, levels %s, %ss per level (+%ss warm-up)%n", tenant, users,
                levels, duration.toMillis() / 1000.0, warmup.toMillis() / 1000.0);
        rows.add("| workload | clients | ops/s | calls/s | p50 ms | p95 ms | p99 ms | max ms | errors | client CPU (cores) | server JVM CPU (cores) | machine busy |");
        rows.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String w : workloads) {
            for (int c : levels) {
                run(w, c);
            }
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("load.md"), String.join("\n", rows) + "\n");
        StringBuilder env = new StringBuilder();
        throughput.forEach((k, v) -> env.append("TPUT_").append(k.replace('-', '_')).append('=')
                .append(String.format(Locale.ROOT, "%.1f", v)).append('\n'));
        env.append("CONSUMED_THOUSANDTHS=").append(consumedThousandths.get()).append('\n');
        env.append("ERRORS=").append(totalErrors).append('\n');
        Files.writeString(out.resolve("load.env"), env.toString());
        if (!errorSamples.isEmpty()) {
            System.out.println("error samples:");
            errorSamples.forEach((k, v) -> System.out.println("  " + k + ": " + v));
        }
        System.out.println("successful consumption this run: " + consumedThousandths.get() / 1000.0 + " credits; errors " + totalErrors);
        return 0;
    }

    void run(String workload, int clients) throws Exception {
        Client main = workload(workload);
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        // The admin workload runs beside a background charge load (not reported in its own row).
        int background = List.of("admin", "usage", "forecast", "runway").contains(workload) ? adminChargeClients : 0;
        List<Recorder> backgroundRecorders = new ArrayList<>();
        for (int i = 0; i < clients + background; i++) {
            Recorder rec = new Recorder();
            boolean isBackground = i >= clients;
            (isBackground ? backgroundRecorders : recorders).add(rec);
            Client client = isBackground ? workload("charge") : main;
            Thread t = Thread.ofPlatform().name(workload + "-" + i).daemon(true).start(() -> {
                while (!stop.get()) {
                    long start = System.nanoTime();
                    try {
                        client.step(rec);
                    } catch (Exception e) {
                        rec.errors++;
                    }
                    if (rec.recording) rec.units.recordValue(System.nanoTime() - start);
                }
            });
            threads.add(t);
        }
        Thread.sleep(warmup.toMillis());
        for (Recorder r : recorders) r.recording = true;
        for (Recorder r : backgroundRecorders) r.recording = true;
        Cpu before = Cpu.sample(serverPid);
        long t0 = System.nanoTime();
        Thread.sleep(duration.toMillis());
        for (Recorder r : recorders) r.recording = false;
        for (Recorder r : backgroundRecorders) r.recording = false;
        double seconds = (System.nanoTime() - t0) / 1e9;
        Cpu after = Cpu.sample(serverPid);
        stop.set(true);
        for (Thread t : threads) t.join(35_000);

        Histogram units = new Histogram(3_600_000_000_000L, 3);
        Map<String, Histogram> calls = new LinkedHashMap<>();
        long errors = 0;
        for (Recorder r : recorders) {
            units.add(r.units);
            r.calls.forEach((k, h) -> calls.computeIfAbsent(k, x -> new Histogram(3_600_000_000_000L, 3)).add(h));
            errors += r.errors;
        }
        long bgErrors = 0;
        Histogram bgCharges = new Histogram(3_600_000_000_000L, 3);
        for (Recorder r : backgroundRecorders) {
            bgCharges.add(r.units);
            bgErrors += r.errors;
        }
        totalErrors += errors + bgErrors;
        String cpu = after.describe(before, seconds);
        // A batch call is BATCH_ITEMS charges: its row and its throughput are in charges/s, comparable with charge.
        double ops = units.getTotalCount() / seconds * (workload.equals("batch") ? BATCH_ITEMS : 1);
        long allCalls = calls.values().stream().mapToLong(Histogram::getTotalCount).sum();
        throughput.put(workload + "_" + clients, ops);
        // One row per unit of work (a pair, or summary+page), then one per call inside it when there are several.
        String label = switch (workload) {
            case "pair" -> "authorize+settle pair";
            case "batch" -> "batch charges (" + BATCH_ITEMS + " a call; ops/s = charges/s)";
            case "admin" -> "admin summary+page (+" + background + " charge clients)";
            case "usage", "forecast", "runway" -> workload + " (+" + background + " charge clients)";
            default -> workload;
        };
        rows.add(row(label, clients, ops, allCalls / seconds, units, errors, cpu));
        if (calls.size() > 1) {
            calls.forEach((name, h) -> rows.add(row("  " + name, clients, h.getTotalCount() / seconds, Double.NaN, h, -1, "")));
        }
        if (background > 0) {
            rows.add(row("  background charge", background, bgCharges.getTotalCount() / seconds, Double.NaN, bgCharges, bgErrors, ""));
        }
        System.out.println(rows.get(rows.size() - 1 - (calls.size() > 1 ? calls.size() : 0) - (background > 0 ? 1 : 0)));
        if (calls.size() > 1) for (int i = rows.size() - calls.size() - (background > 0 ? 1 : 0); i < rows.size(); i++) System.out.println(rows.get(i));
        else if (background > 0) System.out.println(rows.get(rows.size() - 1));
    }

    static String row(String label, int clients, double ops, double calls, Histogram h, long errors, String cpu) {
        return String.format(Locale.ROOT, "| %s | %d | %s | %s | %.2f | %.2f | %.2f | %.1f | %s | %s", label, clients, rate(ops),
                Double.isNaN(calls) ? "" : rate(calls),
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()), errors < 0 ? "" : Long.toString(errors), cpu.isEmpty() ? " | | |" : cpu);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, perSecond < 100 ? "%.1f" : "%.0f", perSecond);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** CPU time of this process, of the server's JVM (from /proc) and of the whole machine, at one instant. */
    record Cpu(long clientNanos, long serverTicks, long machineBusy, long machineTotal) {
        static Cpu sample(long serverPid) {
            long client = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            long server = -1;
            if (serverPid > 0) {
                try {
                    String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    server = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
                } catch (Exception e) {
                    server = -1;
                }
            }
            long busy = -1, total = -1;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                total = 0;
                for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
                busy = total - Long.parseLong(f[4]) - Long.parseLong(f[5]); // minus idle and iowait
            } catch (Exception e) {
                busy = -1;
            }
            return new Cpu(client, server, busy, total);
        }

        String describe(Cpu before, double seconds) {
            String client = String.format(Locale.ROOT, "%.2f", (clientNanos - before.clientNanos) / 1e9 / seconds);
            String server = serverTicks < 0 || before.serverTicks < 0 ? "?"
                    : String.format(Locale.ROOT, "%.2f", (serverTicks - before.serverTicks) / 100.0 / seconds);
            String machine = machineTotal <= before.machineTotal ? "?"
                    : String.format(Locale.ROOT, "%.0f%%", 100.0 * (machineBusy - before.machineBusy) / (machineTotal - before.machineTotal));
            return client + " | " + server + " | " + machine + " |";
        }
    }
}
