package com.aicredits.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hc.client5.http.classic.methods.HttpPatch;

/**
 * The benchmark's {@code --webhooks} switch: every tenant gets its alert thresholds set and one endpoint for every
 * event ({@code *}) pointing at a local receiver that answers 204, so the charge path runs with alerts on and the
 * delivery worker busy. The receiver checks each signature the Standard Webhooks way (written here from the
 * specification, not the service's code) and counts what arrived.
 *
 * <pre>
 * Bench receive  --port P --out DIR      (runs until killed; writes DIR/receiver.txt every second)
 * Bench webhooks --base URL --platform-key K --tenants-file DIR/tenants.txt --receiver http://127.0.0.1:P --out DIR
 * </pre>
 */
final class WebhookLoad {

    private WebhookLoad() {
    }

    /** Registers one endpoint per tenant for every event, sets the alert thresholds, sends a test event to each. */
    static void register(Map<String, String> opts) throws Exception {
        String base = opts.getOrDefault("base", "http://localhost:18080");
        String platform = "Bearer " + Bench.require(opts, "platform-key");
        String receiver = Bench.require(opts, "receiver");
        Path out = Path.of(opts.getOrDefault("out", "bench/target"));
        var http = Bench.http();
        List<String> secrets = new ArrayList<>();
        for (String tenant : Files.readAllLines(Path.of(Bench.require(opts, "tenants-file")))) {
            if (tenant.isBlank()) {
                continue;
            }
            String tenantBase = base + "/api/v1/tenants/" + tenant;
            Bench.send(http, Bench.withJson(new HttpPatch(tenantBase + "/settings"), platform, """
                    {"alerts": {"userLowPercent": 20, "userExhausted": true, "poolUnassignedBelow": 1000,
                                "tenantAvailableBelowPercent": 10}}"""), 200);
            String endpoint = Bench.post(http, tenantBase + "/webhooks", platform, "{\"url\":\"" + receiver + "/hook/" + tenant
                    + "\",\"events\":[\"*\"],\"description\":\"bench receiver\"}", 201);
            secrets.add(tenant + "\t" + Bench.field(endpoint, "secret"));
            Files.writeString(out.resolve("webhook-secrets.tsv"), String.join("\n", secrets) + "\n");
            Bench.post(http, tenantBase + "/webhooks/" + Bench.field(endpoint, "id") + "/test", platform, "{}", 202);
        }
        System.out.println("registered " + secrets.size() + " webhook endpoints (every event) at " + receiver);
    }

    /** A receiver answering 204 to every delivery, counting good and bad signatures per event type. */
    static void receive(Map<String, String> opts) throws Exception {
        int port = Integer.parseInt(Bench.require(opts, "port"));
        Path out = Path.of(opts.getOrDefault("out", "bench/target"));
        Path secretsFile = out.resolve("webhook-secrets.tsv");
        Map<String, byte[]> keys = new ConcurrentHashMap<>();
        AtomicLong good = new AtomicLong();
        AtomicLong bad = new AtomicLong();
        Map<String, AtomicLong> types = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String tenant = exchange.getRequestURI().getPath().substring("/hook/".length());
                byte[] key = keys.get(tenant);
                if (key == null) {
                    load(secretsFile, keys);
                    key = keys.get(tenant);
                }
                var headers = exchange.getRequestHeaders();
                boolean ok = key != null && verified(key, headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                        body, headers.getFirst("webhook-signature"));
                (ok ? good : bad).incrementAndGet();
                String text = new String(body, StandardCharsets.UTF_8);
                int start = text.indexOf("\"type\":\"") + 8;
                String type = start < 8 ? "?" : text.substring(start, Math.max(start, text.indexOf('"', start)));
                types.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            }
        });
        server.start();
        System.out.println("webhook receiver on 127.0.0.1:" + port);
        while (true) {
            Thread.sleep(1000);
            var summary = new StringBuilder("RECEIVED=" + (good.get() + bad.get()) + "\nBAD_SIGNATURES=" + bad.get() + "\nTYPES=");
            types.forEach((type, n) -> summary.append(type).append(':').append(n.get()).append(' '));
            Path tmp = out.resolve("receiver.txt.tmp");
            Files.writeString(tmp, summary.toString().strip() + "\n");
            Files.move(tmp, out.resolve("receiver.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void load(Path file, Map<String, byte[]> keys) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.split("\t");
                if (parts.length == 2 && parts[1].startsWith("whsec_")) {
                    keys.put(parts[0], Base64.getDecoder().decode(parts[1].substring("whsec_".length())));
                }
            }
        } catch (java.io.IOException e) {
            // not written yet: this delivery counts as unverified
        }
    }

    /** Standard Webhooks: any "v1,<base64 HMAC-SHA256 of id.timestamp.body>" in the space-separated header matches. */
    static boolean verified(byte[] key, String id, String timestamp, byte[] body, String signatures) {
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            for (String signature : signatures.split(" ")) {
                if (signature.startsWith("v1,")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }
}
