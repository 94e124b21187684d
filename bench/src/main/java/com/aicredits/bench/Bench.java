package com.aicredits.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's command line, and the few calls its commands share. No Spring.
 *
 * <pre>
 * Bench setup --base URL --platform-key K --tenants N --out DIR                (see {@link TenantSetup})
 * Bench webhooks / receive: see {@link WebhookLoad} (the --webhooks switch of bench/run.sh)
 * Bench load  --base URL --env DIR/bench.env --users N [--concurrency 1,8,32,128] [--duration 10] [--warmup 2]
 *             [--workloads health,charge,pair,batch,balance,admin,usage,forecast,runway] [--admin-charge-clients 8] [--search abc]
 *             [--trivial-path /actuator/health] [--server-pid PID] [--out DIR]                (see {@link Load})
 * </pre>
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: Bench setup|load [options]");
            System.exit(2);
        }
        Map<String, String> opts = options(args);
        switch (args[0]) {
            case "setup" -> TenantSetup.create(opts);
            case "load" -> System.exit(new Load(opts).run());
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

    static String require(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) throw new IllegalArgumentException("--" + key + " is required");
        return v;
    }

    static HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
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
}
