package com.aicredits.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

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

    /**
     * The bench's HTTP client: blocking calls over pooled HTTP/1.1 keep-alive connections. The load shares the
     * machine's cores with the service and PostgreSQL, so what the client spends per call is taken from the service:
     * the JDK's HttpClient spent about 150 µs of CPU per call here, this one about 50 µs (BENCHMARKS.md, "Issue 16,
     * session 21"). No retries: a call is sent once, as the load's count of consumption assumes.
     */
    static CloseableHttpClient http() {
        Timeout thirtySeconds = Timeout.ofSeconds(30);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(1024).setMaxConnPerRoute(1024)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(5))
                                .setSocketTimeout(thirtySeconds).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(thirtySeconds).build())
                .disableAutomaticRetries().disableCookieManagement().disableRedirectHandling()
                .build();
    }

    static String post(CloseableHttpClient http, String url, String auth, String json, int expected) throws Exception {
        return send(http, withJson(new HttpPost(url), auth, json), expected);
    }

    /** The request with its key and a JSON body. */
    static <R extends HttpUriRequestBase> R withJson(R request, String auth, String json) {
        request.setHeader("Authorization", auth);
        request.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
        return request;
    }

    /** The answer's body, or an exception naming the call when its status is not the expected one. */
    static String send(CloseableHttpClient http, HttpUriRequestBase request, int expected) throws Exception {
        return http.execute(request, response -> {
            String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
            if (response.getCode() != expected) {
                throw new IllegalStateException(request.getMethod() + " " + request.getRequestUri() + " -> "
                        + response.getCode() + " " + body);
            }
            return body;
        });
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
