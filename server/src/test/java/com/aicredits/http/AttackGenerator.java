package com.aicredits.http;

import static com.aicredits.RandomChoices.w;
import static com.aicredits.http.HostileJson.encode;

import com.aicredits.RandomChoices;
import com.aicredits.RandomChoices.Weighted;
import com.aicredits.http.Attack.Fault;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes one {@link Attack} from one seed: an operation of the API, a fault that operation can carry, and
 * the request with that fault in place and noise (valid or not) everywhere else. The body is made by
 * {@link HostileBodies}, random JSON and text by {@link HostileJson}.
 */
final class AttackGenerator {

    /** Marks a field or header that is not sent. */
    static final String LEFT_OUT = "(left out)";

    private static final Map<String, String> VALID_QUERY = Map.of("page", "0", "size", "10", "q", "ada", "role",
            "Planner", "state", "low", "sort", "name,desc", "type", "ASSIGN", "filter", "userName%20sw%20%22ada%22",
            "startIndex", "1", "count", "10");

    private final HostileWorld world;
    private final RandomChoices random;
    private final HostileJson json;

    private AttackGenerator(HostileWorld world, RandomChoices random) {
        this.world = world;
        this.random = random;
        this.json = new HostileJson(random);
    }

    static Attack attack(HostileWorld world, long seed) {
        return new AttackGenerator(world, new RandomChoices(seed)).attack(seed);
    }

    private Attack attack(long seed) {
        var operation = random.oneOf(world.operations);
        // A read without a fault is the plain case: worth trying, but not a third of the time.
        Fault fault = random.weighted(faultsFor(operation).stream()
                .map(f -> w(f == Fault.NONE ? 1 : 3, () -> f)).toList());
        // The SCIM endpoints are a scim key's; the other keys are refused there (403), which is worth trying too.
        String caller = operation.scim() && random.chance(0.8) ? "scim" : random.oneOf("platform", "admin", "consume");
        var path = path(operation, fault);
        String query = query(operation, fault);
        var body = new HostileBodies(world, random, json).body(operation, fault);
        var headers = headers(operation, fault);
        String target = Stream.of(path.target(), body.target()).filter(s -> !s.isEmpty())
                .collect(Collectors.joining(", "));
        return new Attack(seed, operation, caller, fault, target, path.path(), query, headers, body.bytes(),
                body.contentType(), body.chunked());
    }

    static List<Fault> faultsFor(ApiOperation operation) {
        var faults = new ArrayList<Fault>();
        if (!operation.mutating()) {
            faults.add(Fault.NONE);
            if (!operation.queryParameters().isEmpty()) {
                faults.add(Fault.QUERY);
            }
        }
        if (!operation.pathVariables().isEmpty()) {
            faults.add(Fault.PATH);
        }
        if (operation.takesBody()) {
            faults.addAll(List.of(Fault.BODY_SHAPE, Fault.FIELD_VALUE, Fault.CONTENT_TYPE));
            if (!operation.scim()) {
                // SCIM is the exception: RFC 7643 resources carry attributes a service does not keep (Entra ID and
                // Okta send titles, phone numbers, extension schemas), which it must ignore, not refuse.
                faults.add(Fault.UNKNOWN_FIELD);
            }
            if (!operation.body().isEmpty()) {
                faults.add(Fault.DUPLICATE_KEY);
            }
        }
        if (operation.takesCsv()) {
            faults.addAll(List.of(Fault.BODY_SHAPE, Fault.FIELD_VALUE, Fault.CONTENT_TYPE));
        }
        if (operation.idempotencyKey() != null) {
            faults.add(Fault.IDEMPOTENCY_KEY);
        }
        if (faults.isEmpty()) {
            throw new IllegalStateException(operation + " changes something but has no input to make hostile");
        }
        return faults;
    }

    // ------------------------------------------------------------------ path variables

    private record Path(String path, String target) {
    }

    private Path path(ApiOperation operation, Fault fault) {
        var variables = operation.pathVariables();
        var values = new ArrayList<>(variables.stream().map(v -> validPathValue(operation, v)).toList());
        if (fault != Fault.PATH) {
            return new Path(fill(operation.path(), variables, values), "");
        }
        int index = random.between(0, variables.size() - 1);
        values.set(index, hostilePathValue(variables.get(index)));
        return new Path(fill(operation.path(), variables, values), "path variable " + variables.get(index));
    }

    private static String fill(String template, List<String> variables, List<String> values) {
        String path = template;
        for (int i = 0; i < variables.size(); i++) {
            path = path.replace("{" + variables.get(i) + "}", values.get(i));
        }
        return path;
    }

    private String validPathValue(ApiOperation operation, String variable) {
        return switch (variable) {
            case "tenantId" -> world.t.tenant;
            case "userId" -> random.oneOf(world.ada, world.bob);
            case "keyId" -> world.keyId;
            case "requestId" -> random.oneOf(world.authorized, world.settled, world.voided);
            // a webhook endpoint's id on the webhook paths, a user's on the SCIM ones
            case "id" -> operation.path().contains("/webhooks/") ? world.webhook : random.oneOf(world.ada, world.bob);
            case "deliveryId" -> world.delivery;
            default -> throw new IllegalStateException("no valid value for path variable " + variable);
        };
    }

    /** Raw path segments (already percent-encoded where needed) that name nothing the caller may change. */
    private String hostilePathValue(String variable) {
        var fixed = new ArrayList<>(List.of("not-a-uuid", "", "%20", ".", "..", "../..", "..%2F..", "%2e%2e",
                "%2E%2E%2F%2E%2E", "%2F", "%5C", "%00", "%25", "%0A", "%0D%0A", ";", ";jsessionid=abc", "a;b=c", "%3B",
                "null", "undefined", "0", "-1", "1e9", "00000000-0000-0000-0000-000000000000",
                "ffffffff-ffff-ffff-ffff-ffffffffffff", "1-2-3-4-5", HostileWorld.UNKNOWN_UUID,
                HostileWorld.UNKNOWN_UUID + "0", "%7B%7D", "%F0%9F%92%A3", "%C0%AF", "%FF%FE", "%E2%80%AE", "~", "*",
                "a//b", "'%20OR%201=1--", "%3Cscript%3E", "$%7Bjndi:ldap:%2F%2Fx%7D", world.t.tenant.replace("-", ""),
                world.other.tenant + "%00"));
        if (variable.equals("userId") || variable.equals("id")) {
            fixed.add(world.eve); // a user of the other tenant
        }
        return random.weighted(
                w(6, () -> random.oneOf(fixed)),
                w(3, () -> encode(json.unicode(1, 40))),
                w(1, () -> "a".repeat(random.between(200, 7000))));
    }

    // ------------------------------------------------------------------ query

    private String query(ApiOperation operation, Fault fault) {
        var parameters = operation.queryParameters();
        List<String> extra = random.weighted(
                w(4, List::<String>of),
                w(1, () -> random.listOf(0, 2, () -> random.oneOf("x", "tenantId", "userId", "credits", "_method",
                        "debug", "%00", encode("\u00fcn\u00ef")) + "=" + hostileQueryValue())));
        if (operation.takesCsv()) {
            // The file's operation and dry run are query parameters: valid ones, so the file itself is read.
            var pairs = new ArrayList<>(List.of("operation=" + random.oneOf("add", "remove", "assign"),
                    "dryRun=" + random.oneOf("true", "false")));
            pairs.addAll(extra);
            return String.join("&", pairs);
        }
        if (parameters.isEmpty() || operation.mutating()) {
            return String.join("&", extra);
        }
        var pairs = new ArrayList<String>();
        for (String name : parameters) {
            String valid = name.equals("userId") ? world.ada : VALID_QUERY.getOrDefault(name, "1");
            pairs.add(random.weighted(
                    w(5, () -> ""),
                    w(3, () -> name + "=" + valid),
                    w(2, () -> name + "=" + hostileQueryValue())));
        }
        if (fault == Fault.QUERY) {
            int index = random.between(0, parameters.size() - 1);
            pairs.set(index, parameters.get(index) + "=" + hostileQueryValue());
        }
        return Stream.concat(pairs.stream(), extra.stream()).filter(s -> !s.isEmpty())
                .collect(Collectors.joining("&"));
    }

    private String hostileQueryValue() {
        return random.weighted(
                w(6, () -> random.oneOf("-1", "abc", "1.5", "99999999999999999999", "2147483648", "-2147483649", "",
                        "%00", "%FF", "%E2%80%AE", "name;drop%20table%20ledger_entries", "name,desc,asc", ",", ",desc",
                        "NaN", "Infinity", "1e3", "%20", "+", "null", "0x10", "0&page=1", "%25%25", "Owner", "REFUND",
                        "00000000-0000-0000-0000-000000000000", "not-a-uuid")),
                w(3, () -> encode(json.unicode(0, 60))),
                w(1, () -> "q".repeat(random.between(200, 5000))));
    }

    // ------------------------------------------------------------------ headers

    private Map<String, String> headers(ApiOperation operation, Fault fault) {
        String key;
        if (fault == Fault.IDEMPOTENCY_KEY) {
            var bad = new ArrayList<Weighted<String>>(List.of(
                    w(2, () -> random.oneOf("", "   ")),
                    w(2, () -> "k".repeat(random.between(201, 2000))),
                    // Not ASCII: letters from other scripts, a C1 control, a lone high byte (sent as raw bytes).
                    w(2, () -> random.oneOf("cl\u00e9-", "\u043a\u043b\u044e\u0447-", "k\u0085-", "\u00ff-", "\u2028-")
                            + random.alphanumeric(4, 12))));
            if (operation.idempotencyKey().required()) {
                bad.add(w(2, () -> LEFT_OUT));
            }
            key = random.weighted(bad);
        } else {
            key = random.weighted(
                    w(2, () -> LEFT_OUT),
                    w(2, () -> random.string(1, 80, RandomChoices.HEADER_CHARS)),
                    w(1, () -> "hostile-reused-key"),
                    w(2, () -> "k-" + random.alphanumeric(12, 12)));
        }
        var headers = new LinkedHashMap<>(random.oneOf(
                Map.<String, String>of(),
                Map.of("X-HTTP-Method-Override", "DELETE"),
                Map.of("Cookie", "JSESSIONID=not-a-session; XSRF-TOKEN=forged"),
                Map.of("X-XSRF-TOKEN", "forged"),
                Map.of("X-Forwarded-For", "not-an-address, ::1, 999.0.0.1"),
                Map.of("X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "gopher"),
                Map.of("Accept-Language", "xx-\u00ff;q=2"),
                Map.of("Tenant-Id", "00000000-0000-0000-0000-000000000000")));
        if (!key.equals(LEFT_OUT)) {
            headers.put("Idempotency-Key", key);
        }
        return headers;
    }
}
