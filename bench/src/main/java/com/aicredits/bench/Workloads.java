package com.aicredits.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpRequest;

/**
 * What the load's clients send: one {@link Client} per workload name, all against the largest tenant of bench.env,
 * and what they count (consumption, error samples) across every client of a run.
 */
final class Workloads {

    /** What a charge / settle costs, in credits; seeded users hold 1,000,000 credits each. */
    static final String COST = "1";
    static final long COST_THOUSANDTHS = 1000;
    /** Charges per call of the batch workload (issue 16: the target is measured with 100). */
    static final int BATCH_ITEMS = Integer.getInteger("bench.batch-items", 100);

    final String base;
    final String tenant;
    final String adminAuth;
    final String consumeAuth;
    final int users;
    final String searchTerm;
    final String trivialPath;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final CloseableHttpClient http = Bench.http();
    /** Credits (thousandths) consumed by successful charges and settles of this run: the reconciliation check. */
    final AtomicLong consumedThousandths = new AtomicLong();
    private final AtomicLong requestSeq = new AtomicLong();
    final Map<String, String> errorSamples = new ConcurrentHashMap<>();

    Workloads(Map<String, String> opts) throws IOException {
        base = opts.getOrDefault("base", "http://localhost:18080");
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(Bench.require(opts, "env")))) {
            if (line.contains("=")) env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        tenant = env.get("BIG_TENANT");
        adminAuth = "Bearer " + env.get("ADMIN_KEY");
        consumeAuth = "Bearer " + env.get("CONSUME_KEY");
        users = Integer.parseInt(Bench.require(opts, "users"));
        searchTerm = opts.getOrDefault("search", "abc");
        trivialPath = opts.getOrDefault("trivial-path", "/actuator/health");
    }

    interface Client {
        /** Runs one unit of work (one or two calls), recording each call into the recorder. */
        void step(Recorder rec) throws Exception;
    }

    /** A client thread's recorder, sending over this run's connection pool. */
    Recorder recorder() {
        return new Recorder(http, errorSamples);
    }

    String api(String path) {
        return base + "/api/v1/tenants/" + tenant + path;
    }

    ClassicHttpRequest get(String url, String auth) {
        var request = new HttpGet(url);
        if (auth != null) request.setHeader("Authorization", auth);
        return request;
    }

    ClassicHttpRequest postJson(String url, String auth, String json) {
        return Bench.withJson(new HttpPost(url), auth, json);
    }

    String randomUser() {
        return Bench.userId(tenant, 1 + ThreadLocalRandom.current().nextInt(users)).toString();
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
                        errorSamples.putIfAbsent("batch item refused", Recorder.trim(answer));
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
}
