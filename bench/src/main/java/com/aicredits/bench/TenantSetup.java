package com.aicredits.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code setup} command, the API half of the seed: bench/run.sh then writes users and ledger entries into these
 * tenants with seed.sql, and hands bench.env to the load.
 */
final class TenantSetup {

    private TenantSetup() {
    }

    /** Creates the tenants through the platform API, and an admin and a consume key for the first (largest). */
    static void create(Map<String, String> opts) throws Exception {
        String base = opts.getOrDefault("base", "http://localhost:18080");
        String platform = "Bearer " + Bench.require(opts, "platform-key");
        int tenants = Integer.parseInt(opts.getOrDefault("tenants", "100"));
        Path out = Path.of(opts.getOrDefault("out", "bench/target"));
        Files.createDirectories(out);
        var http = Bench.http();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            String body = Bench.post(http, base + "/api/v1/tenants", platform,
                    "{\"name\":\"Bench tenant " + i + "\"}", 201);
            ids.add(Bench.field(body, "id"));
        }
        String big = ids.get(0);
        String admin = Bench.field(Bench.post(http, base + "/api/v1/tenants/" + big + "/api-keys", platform,
                "{\"scope\":\"admin\",\"name\":\"bench-admin\"}", 201), "key");
        String consume = Bench.field(Bench.post(http, base + "/api/v1/tenants/" + big + "/api-keys", platform,
                "{\"scope\":\"consume\",\"name\":\"bench-consume\"}", 201), "key");
        Files.writeString(out.resolve("tenants.txt"), String.join("\n", ids) + "\n");
        Files.writeString(out.resolve("bench.env"), "BIG_TENANT=" + big + "\nADMIN_KEY=" + admin
                + "\nCONSUME_KEY=" + consume + "\n");
        System.out.println("created " + tenants + " tenants; largest " + big);
    }
}
