package com.aicredits.http;

import static com.aicredits.RandomChoices.w;
import static com.aicredits.http.AttackGenerator.LEFT_OUT;
import static com.aicredits.http.HostileJson.abbreviate;
import static com.aicredits.http.HostileJson.json;
import static com.aicredits.http.HostileJson.object;
import static com.aicredits.http.HostileJson.utf8;

import com.aicredits.RandomChoices;
import com.aicredits.RandomChoices.Weighted;
import com.aicredits.http.ApiOperation.Field;
import com.aicredits.http.Attack.Fault;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The body of an attack: for a BODY_SHAPE, UNKNOWN_FIELD, FIELD_VALUE or CONTENT_TYPE fault, a body the
 * service must certainly refuse; otherwise the valid body with noise in the other fields. Every field that
 * is not the fault is valid most of the time, so that only the chosen fault is certainly wrong.
 */
final class HostileBodies {

    record Body(byte[] bytes, String contentType, boolean chunked, String target) {
    }

    static final List<String> JSON_TYPES = List.of("application/json", "application/json; charset=UTF-8",
            "application/json;charset=utf-8", "APPLICATION/JSON", "Application/Json; Charset=UTF-8",
            "application/merge-patch+json", "application/vnd.api+json", "application/json; charset=bogus",
            "application/json; charset=UTF-16", "application/json; charset=ISO-8859-1", "application/json; foo=bar",
            "application/json; charset=\"utf-8\"");

    static final List<String> NOT_JSON_TYPES = List.of("text/plain", "text/plain; charset=UTF-8", "application/xml",
            "text/html", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
            "application/octet-stream", "image/png", "application/javascript", "application/jsonx", "json",
            "application", "not a type", ";;", "application/json/extra", "text/json");

    private final HostileWorld world;
    private final RandomChoices random;
    private final HostileJson json;

    HostileBodies(HostileWorld world, RandomChoices random, HostileJson json) {
        this.world = world;
        this.random = random;
        this.json = json;
    }

    Body body(ApiOperation operation, Fault fault) {
        if (operation.takesCsv()) {
            return csv(fault);
        }
        if (!operation.takesBody()) {
            // Nothing is read; a stray body must be ignored, or refused, not choked on.
            return random.weighted(
                    w(3, () -> new Body(null, null, false, "")),
                    w(1, () -> new Body(utf8(json.value()), random.oneOf(JSON_TYPES), false, "")));
        }
        var fields = templateWithNoise(operation);
        String type = operation.scim() ? random.oneOf("application/scim+json", "application/json", "application/scim+json; charset=utf-8")
                : random.weighted(w(6, () -> "application/json"), w(2, () -> random.oneOf(JSON_TYPES)));
        boolean chunked = random.oneOf(false, false, false, true);
        return switch (fault) {
            case BODY_SHAPE -> new Body(badShape(operation), type, chunked, "body");
            case UNKNOWN_FIELD -> {
                String name = unknownFieldName(operation);
                fields.put(name, json.value());
                yield new Body(utf8(object(fields)), type, chunked, "unknown field " + abbreviate(name));
            }
            case DUPLICATE_KEY -> {
                // A field given twice: refused, never "the last one wins" (a proxy may have read the first).
                Field field = random.oneOf(operation.body());
                fields.put(field.name(), validValue(operation, field));
                String twice = object(fields);
                String again = random.chance(0.5) ? validValue(operation, field) : json.value();
                yield new Body(utf8(twice.substring(0, twice.length() - 1) + ", \"" + field.name() + "\": " + again + "}"),
                        type, chunked, "field " + field.name() + " given twice");
            }
            case FIELD_VALUE -> {
                Field field = random.oneOf(operation.body());
                fields.put(field.name(), operation.scim() ? invalidScimValue(field) : invalidValue(field));
                yield new Body(utf8(object(fields)), type, chunked, "field " + field.name());
            }
            case CONTENT_TYPE -> new Body(utf8(object(fields)),
                    random.chance(0.15) ? null : random.oneOf(NOT_JSON_TYPES), chunked, "Content-Type");
            default -> new Body(utf8(object(fields)), type, chunked, "");
        };
    }

    /** Valid values for the fields of every body in the API. */
    private String validValue(ApiOperation operation, Field field) {
        return switch (field.name()) {
            // SCIM (a User resource, or a PatchOp)
            case "userName" -> "\"hostile@hostile.example\"";
            case "displayName" -> "\"Hostile Test\"";
            case "emails" -> "[{\"value\": \"hostile@hostile.example\", \"type\": \"work\", \"primary\": true}]";
            case "roles" -> "[{\"value\": \"Viewer\"}]";
            case "schemas" -> random.oneOf("[\"urn:ietf:params:scim:schemas:core:2.0:User\"]",
                    "[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]");
            case "Operations" -> "[{\"op\": \"replace\", \"path\": \"displayName\", \"value\": \"Hostile Test\"}]";
            case "name" -> field.type().equals("object") ? "{\"formatted\": \"Hostile Test\"}" : "\"Hostile Test\"";
            case "email" -> "\"hostile@hostile.example\"";
            case "role" -> "\"Viewer\"";
            case "externalId" -> "\"ext-1\"";
            case "password" -> "\"correct horse battery\"";
            case "scope" -> "\"consume\"";
            case "credits", "cost", "estimate" -> "1";
            case "reference" -> "\"PO-hostile\"";
            case "note" -> "\"a note\"";
            case "requestId" -> "\"r-hostile\"";
            case "userId" -> "\"" + world.ada + "\"";
            case "feature" -> "\"canvas\"";
            case "active" -> "true";
            case "period" -> "\"MONTHLY\"";
            case "mode" -> "\"TOP_UP\"";
            case "timeZone" -> "\"Europe/Berlin\"";
            case "maxHoldsPerUser" -> "4";
            case "reclaimOnDeactivate" -> "true";
            case "alerts" -> "{\"userLowPercent\": 20}";
            case "allowanceDefaults" -> "{\"Viewer\": null}";
            case "operation" -> "\"" + random.oneOf("add", "remove", "assign") + "\"";
            // a batch of charges (one valid and, at times, a second for the same user) or a bulk change's rows
            case "items" -> operation.path().endsWith("/consumption/charges")
                    ? "[{\"requestId\": \"r-hostile\", \"userId\": \"" + world.ada + "\", \"feature\": \"canvas\", \"cost\": 1}"
                            + random.oneOf("", ", {\"requestId\": \"r-hostile-2\", \"userId\": \"" + world.ada
                                    + "\", \"feature\": \"canvas\", \"cost\": 0.5}") + "]"
                    : "[{\"userId\": \"" + world.ada + "\", \"credits\": 1, \"note\": \"row\"}]";
            case "dryRun" -> random.oneOf("true", "false");
            case "url" -> "\"https://hooks.example.invalid/hostile\"";
            case "events" -> random.oneOf("[\"credits.assigned\"]", "[\"*\"]", "[\"pool.short\", \"credits.added\"]");
            case "description" -> "\"a hostile endpoint\"";
            case "enabled" -> "false";
            case "reason" -> "\"more credits, please\"";
            case "ids" -> "[\"" + HostileWorld.UNKNOWN_UUID + "\"]";
            case "all" -> "true";
            // single sign-on
            case "issuer" -> "\"https://login.example.com/hostile/v2.0\"";
            case "clientId" -> "\"hostile-client\"";
            case "clientSecret" -> "\"hostile-secret\"";
            case "enforced" -> random.oneOf("true", "false");
            case "jitRole" -> random.oneOf("\"Viewer\"", "null");
            default -> switch (field.type()) {
                case "number", "integer" -> "1";
                case "boolean" -> "true";
                default -> "\"x\"";
            };
        };
    }

    /** The valid body, with some fields dropped, nulled or replaced by random JSON (valid or not). */
    private Map<String, String> templateWithNoise(ApiOperation operation) {
        var fields = new LinkedHashMap<String, String>();
        for (Field field : operation.body()) {
            String value = random.weighted(
                    w(12, () -> validValue(operation, field)),
                    w(1, () -> "null"),
                    w(1, () -> LEFT_OUT),
                    w(2, json::value));
            if (!value.equals(LEFT_OUT)) {
                fields.put(field.name(), value);
            }
        }
        return fields;
    }

    private String unknownFieldName(ApiOperation operation) {
        Set<String> known = operation.body().stream().map(Field::name).collect(Collectors.toSet());
        while (true) {
            String name = random.weighted(
                    w(3, () -> random.oneOf("id", "tenantId", "userId", "active", "balance", "consumed", "held",
                            "scope", "Credits", "CREDITS", "credit", "__proto__", "constructor", "", " ", "\u0000",
                            "cr\u00e9dits", "$where")),
                    w(2, () -> json.unicode(0, 20)),
                    w(1, () -> operation.body().isEmpty() ? "x"
                            : random.oneOf(operation.body()).name().toUpperCase() + "_"));
            if (!known.contains(name)) {
                return name;
            }
        }
    }

    /** A value the field must refuse: the wrong JSON type, a NUL character, far too long, not an id, a bad amount. */
    private String invalidValue(Field field) {
        if (field.name().equals("password")) {
            // Over bcrypt's 72 bytes (in ASCII, and in few multi-byte characters), too short, or common.
            return random.oneOf(json("x".repeat(73)), json("\u00e9".repeat(37)), json("\u5bc6".repeat(25)),
                    json("x".repeat(random.between(73, 2000))), json("short-pw"), json("password1234"));
        }
        return switch (field.type()) {
            case "number", "integer" -> random.weighted(
                    w(1, () -> random.oneOf("\"10\"", "\"\"", "true", "false", "{}", "[]", "[1]", "{\"value\": 1}")),
                    w(2, () -> random.oneOf("-1", "-0.001", "0.0001", "12.0005", "1e10", "1000000000.001", "1e400",
                            "-1e400", "1e-400", "1e999999999", "1e2147483648", "-9223372036854775809",
                            "9223372036854775808", "9".repeat(1001), "0." + "0".repeat(999) + "1", "NaN", "-Infinity",
                            "0x10", "+5", "012")));
            case "boolean" -> random.oneOf("\"true\"", "\"false\"", "0", "1", "\"\"", "{}", "[]", "[true]");
            default -> {
                var invalid = new ArrayList<Weighted<String>>(List.of(
                        w(2, () -> random.oneOf("42", "-1.5", "true", "false", "{}", "[]", "{\"a\": 1}", "[\"x\"]",
                                "1e400")),
                        w(2, () -> json(json.unicode(0, 20) + "\u0000" + json.unicode(0, 20))),
                        w(1, () -> json("x".repeat(random.between(1001, 20_000))))));
                if ("uuid".equals(field.format())) {
                    invalid.add(w(2, () -> json(random.oneOf("not-a-uuid", "", HostileWorld.UNKNOWN_UUID,
                            HostileWorld.UNKNOWN_UUID + "0", world.eve, "1-2-3-4-5-6", "{" + world.ada + "}",
                            world.ada.replace("-", "")))));
                }
                yield random.weighted(invalid);
            }
        };
    }

    /**
     * A value a SCIM attribute must refuse. Not the API's list: SCIM reads booleans sent as strings ("True",
     * as Entra ID sends them) and an empty list of e-mails or roles is a valid "none".
     */
    private String invalidScimValue(Field field) {
        return switch (field.name()) {
            case "active" -> random.oneOf("\"maybe\"", "0", "1", "{}", "[]", "[true]", "\"\"", "1.5");
            case "name" -> random.oneOf("42", "\"Ada\"", "[]", "true", "{\"formatted\": 42}", "{\"givenName\": [\"Ada\"]}");
            case "emails" -> random.oneOf("42", "\"ada@x.example\"", "{}", "[42]", "[{\"value\": 42}]", "[{}]", "[\"x\"]");
            case "roles" -> random.oneOf("42", "\"Owner\"", "[{\"value\": \"Owner\"}]", "{}", "[{}]", "[{\"value\": 7}]",
                    "[{\"value\": \"Viewer\\u0000\"}]");
            case "schemas" -> random.oneOf("42", "\"urn:x\"", "[42]", "[\"urn:x\"]", "{}", "[]");
            case "Operations" -> random.oneOf("42", "{}", "[]", "[\"x\"]", "[{}]", "[{\"op\": \"move\", \"path\": \"active\"}]",
                    "[{\"op\": \"replace\", \"path\": \"active\", \"value\": \"maybe\"}]",
                    "[{\"op\": \"replace\", \"path\": \"userName\", \"value\": 42}]",
                    "[{\"op\": \"add\", \"path\": \"roles\", \"value\": [{\"value\": \"Owner\"}]}]",
                    "[{\"op\": \"replace\", \"path\": \"displayName\", \"value\": \"" + "x".repeat(201) + "\"}]");
            default -> random.weighted(
                    w(2, () -> random.oneOf("42", "-1.5", "true", "false", "{}", "[]", "{\"a\": 1}", "[\"x\"]")),
                    w(2, () -> json(json.unicode(0, 20) + "\u0000" + json.unicode(0, 20))),
                    w(1, () -> json("x".repeat(random.between(1001, 20_000)))));
        };
    }

    /** Bodies that are not one JSON object of the expected shape (each certainly refused). */
    private byte[] badShape(ApiOperation operation) {
        return random.weighted(
                w(2, () -> utf8(random.oneOf("", "null", "true", "42", "-0", "1e999999999", "\"text\"", "[]", "[{}]",
                        "{", "}", "{\"credits\": NaN}", "{'credits': 1}", "/* c */ {}", "credits=10&note=hi",
                        "<credits>1</credits>", "{\"a\":1,}", "{,}", "{\"\u0001\": 1}"))),
                w(2, () -> utf8("[" + object(templateWithNoise(operation)) + "]")),
                w(2, () -> {
                    String text = object(templateWithNoise(operation));
                    int cut = random.between(1, 60);
                    return utf8(text.substring(0, Math.max(0, text.length() - Math.min(cut, text.length()))));
                }),
                w(1, () -> utf8(object(templateWithNoise(operation)) + random.oneOf(" {}", " x", ",{}", "]", "\u0000"))),
                w(2, () -> {
                    int depth = random.between(400, 5000);
                    String open = random.oneOf("[", "{\"a\":");
                    return utf8(open.repeat(depth) + (open.equals("[") ? "]".repeat(depth) : "1" + "}".repeat(depth)));
                }),
                w(1, () -> invalidUtf8(object(templateWithNoise(operation)))),
                w(1, () -> {
                    var padded = templateWithNoise(operation);
                    padded.put("padding", json("p".repeat(70 * 1024)));
                    return utf8(object(padded));
                }),
                w(1, () -> {
                    var out = new ByteArrayOutputStream();
                    out.write('#');
                    out.writeBytes(random.bytes(0, 200));
                    return out.toByteArray();
                }));
    }

    // ------------------------------------------------------------------ CSV files (bulk changes)

    /**
     * A bulk change's file: the valid one (a header and a row naming Ada, a quoted comma in its note) for faults
     * elsewhere; for BODY_SHAPE a file that is not a valid bulk (wrong or no header, a row without its three
     * columns, an open quote, not UTF-8, too many rows or too large); for FIELD_VALUE a row with a bad amount;
     * for CONTENT_TYPE the valid file sent as something that is not CSV.
     */
    private Body csv(Fault fault) {
        String header = "email,credits,note\r\n";
        String ada = world.t.email("Ada Funded");
        String valid = random.oneOf("", "\uFEFF") + header + ada + ",1,\"hostile, but quoted\"\r\n";
        String type = random.oneOf("text/csv", "text/csv; charset=UTF-8", "application/csv");
        return switch (fault) {
            case BODY_SHAPE -> random.weighted(
                    w(3, () -> new Body(utf8(random.oneOf("", header, "\uFEFF", "email;credits;note\r\n" + ada + ";1;x\r\n",
                            "mail,credits,note\r\n" + ada + ",1,x\r\n", "email,credits\r\n" + ada + ",1\r\n",
                            "credits,email,note\r\n1," + ada + ",x\r\n", header + ada + ",1\r\n",
                            header + ada + ",1,x,extra\r\n", header + ada + ",1,\"open quote\r\n",
                            header + ada + ",1,\"a\"b\"\r\n", "{\"operation\": \"add\"}", json.unicode(1, 80))),
                            type, false, "CSV body")),
                    w(1, () -> {
                        var out = new ByteArrayOutputStream();
                        out.writeBytes(utf8(header + ada + ",1,"));
                        out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
                        out.writeBytes(utf8("\r\n"));
                        return new Body(out.toByteArray(), type, random.chance(0.5), "CSV body not UTF-8");
                    }),
                    w(1, () -> new Body(utf8(header + (ada + ",0.001,\r\n").repeat(10_001)), type, random.chance(0.5),
                            "10,001 rows")),
                    w(1, () -> new Body(utf8(header + (ada + ",1,\"" + "n".repeat(400) + "\"\r\n").repeat(11_000)), type,
                            random.chance(0.5), "a file over the size limit")));
            case FIELD_VALUE -> new Body(utf8(header + ada + "," + random.oneOf("", "x", "-1", "0", "1.0001", "1e400",
                    "NaN", "1,2", "\"\"", "0x10", "1000000000.001", "9".repeat(400)) + ",note\r\n"), type, false,
                    "CSV amount");
            case CONTENT_TYPE -> new Body(utf8(valid), random.chance(0.15) ? null
                    : random.oneOf(random.oneOf(NOT_JSON_TYPES), random.oneOf(JSON_TYPES)), false, "Content-Type");
            default -> new Body(utf8(valid), type, random.oneOf(false, false, true), "");
        };
    }

    /** The object with a string value whose bytes are not UTF-8 (a lone continuation byte, an overlong slash). */
    private static byte[] invalidUtf8(String object) {
        var out = new ByteArrayOutputStream();
        String head = object.substring(0, object.length() - 1) + (object.length() > 2 ? ", " : "") + "\"bytes\": \"";
        out.writeBytes(utf8(head));
        out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xC0, (byte) 0xAF, (byte) 0xFF});
        out.writeBytes(utf8("\"}"));
        return out.toByteArray();
    }
}
