package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient.Response;
import com.aicredits.TestApplication;
import com.aicredits.shared.TenantId;
import com.aicredits.ledger.Ledger;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bulk endpoints of API.md ("Bulk changes (admin)"): the JSON and the CSV form, the preview, 422
 * BULK_REFUSED with every refused row, and every malformed file refused with its own code and nothing changed.
 */
@TestApplication
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BulkApiTest {

    @LocalServerPort int port;
    @Autowired Ledger ledger;
    @Autowired JdbcClient jdbc;

    HttpFixture t;
    String ada;
    String bob;

    @BeforeEach
    void tenant() {
        t = new HttpFixture(port);
        t.purchase("1000");
        ada = t.user("Ada Bulk", "Planner");
        bob = t.user("Bob Bulk", "Viewer");
        t.assign(ada, "100");
        t.assign(bob, "50");
    }

    private Response bulk(Map<String, Object> body, String key) {
        return t.admin().send("POST", t.base + "/credits/bulk", body, key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private Response csv(String query, String file, String key) {
        return csv(query, file.getBytes(StandardCharsets.UTF_8), "text/csv", key);
    }

    private Response csv(String query, byte[] file, String contentType, String key) {
        return t.admin().sendBytes("POST", t.base + "/credits/bulk.csv?" + query, file, contentType,
                key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private static JsonNode withoutReplayed(JsonNode answer) {
        var copy = (ObjectNode) answer.deepCopy();
        copy.remove("replayed");
        return copy;
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    private void assertRefusedAndUnchanged(Response response, int status, String code, TenantState before) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.code()).as(response.text()).isEqualTo(code);
        TenantState.of(t).assertUnchangedSince(before, ledger, t.tenant, code);
    }

    @Test
    void a_bulk_add_by_id_and_by_email_answers_every_row_before_and_after_and_the_pool() {
        var response = bulk(Map.of("operation", "add", "note", "Q3 top-up", "items", List.of(
                Map.of("userId", ada, "credits", 10), Map.of("email", t.email("Bob Bulk").toUpperCase(), "credits", 2.5,
                        "note", "Bob's own"))), key());

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        var json = response.json();
        assertThat(json.get("applied").asBoolean()).isTrue();
        assertThat(json.get("unassignedBefore").decimalValue()).isEqualByComparingTo("850");
        assertThat(json.get("unassignedAfter").decimalValue()).isEqualByComparingTo("837.5");
        var rows = json.get("rows");
        assertThat(rows.get(0).get("userId").asString()).isEqualTo(ada);
        assertThat(rows.get(0).get("email").asString()).isEqualTo(t.email("Ada Bulk"));
        assertThat(rows.get(0).get("before").get("remaining").decimalValue()).isEqualByComparingTo("100");
        assertThat(rows.get(0).get("after").get("assigned").decimalValue()).isEqualByComparingTo("110");
        assertThat(rows.get(1).get("userId").asString()).isEqualTo(bob);
        assertThat(rows.get(1).get("after").get("remaining").decimalValue()).isEqualByComparingTo("52.5");
        var entries = t.platform.get(t.base + "/credits/entries?type=ADD").json().get("items");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).get("note").asString()).isEqualTo("Bob's own");
        assertThat(entries.get(1).get("note").asString()).isEqualTo("Q3 top-up");
    }

    @Test
    void applying_needs_an_idempotency_key_and_a_retry_gets_the_first_answer_again_marked_as_a_replay() {
        var before = TenantState.of(t);
        Map<String, Object> body = Map.of("operation", "remove", "items", List.of(Map.of("userId", ada, "credits", 5)));
        assertRefusedAndUnchanged(bulk(body, null), 400, "VALIDATION_FAILED", before);

        String key = key();
        var first = bulk(body, key);
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.header("Idempotent-Replayed")).isEmpty();
        assertThat(first.json().get("replayed").asBoolean()).isFalse();
        var again = bulk(body, key);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        // The body says what the header says; the rest is the first answer again.
        assertThat(again.json().get("replayed").asBoolean()).as(again.text()).isTrue();
        assertThat(withoutReplayed(again.json())).isEqualTo(withoutReplayed(first.json()));
        // Once the stored answer is forgotten (after the 24 hours keys are kept), the ledger still knows the key:
        // still a replay, in the header as in the body, and nothing applied twice.
        jdbc.sql("delete from idempotency_keys where tenant_id = ?::uuid and key = ?").params(t.tenant, key).update();
        var late = bulk(body, key);
        assertThat(late.status()).as(late.text()).isEqualTo(200);
        assertThat(late.json().get("replayed").asBoolean()).as(late.text()).isTrue();
        assertThat(late.header("Idempotent-Replayed")).isEqualTo("true");
        var reused = bulk(Map.of("operation", "remove", "items", List.of(Map.of("userId", ada, "credits", 6))), key);
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.code()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(t.platform.get(t.base + "/users/" + ada + "/balance").json().get("remaining").decimalValue())
                .isEqualByComparingTo("95");
    }

    @Test
    void a_dry_run_needs_no_key_changes_nothing_and_previews_what_applying_does() {
        var before = TenantState.of(t);
        var items = List.of(Map.of("userId", ada, "credits", 7), Map.of("userId", bob, "credits", 3));
        var preview = bulk(Map.of("operation", "add", "items", items, "dryRun", true), null);
        assertThat(preview.status()).as(preview.text()).isEqualTo(200);
        assertThat(preview.json().get("applied").asBoolean()).isFalse();
        TenantState.of(t).assertUnchangedSince(before, ledger, t.tenant, "a dry run");

        // Asked for in the query, as /bulk.csv takes it, even with a key: still a preview.
        var queried = t.admin().send("POST", t.base + "/credits/bulk?dryRun=true", Map.of("operation", "add", "items", items),
                Map.of("Idempotency-Key", key()));
        assertThat(queried.status()).as(queried.text()).isEqualTo(200);
        assertThat(queried.json().get("applied").asBoolean()).isFalse();
        assertThat(queried.json().get("rows")).isEqualTo(preview.json().get("rows"));
        TenantState.of(t).assertUnchangedSince(before, ledger, t.tenant, "a dry run asked for in the query");

        var applied = bulk(Map.of("operation", "add", "items", items), key());
        assertThat(applied.json().get("applied").asBoolean()).isTrue();
        assertThat(applied.json().get("rows")).isEqualTo(preview.json().get("rows"));
        assertThat(applied.json().get("unassignedAfter")).isEqualTo(preview.json().get("unassignedAfter"));
    }

    @Test
    void refused_rows_answer_422_bulk_refused_with_every_index_and_nothing_is_applied() {
        var before = TenantState.of(t);
        var response = bulk(Map.of("operation", "remove", "items", List.of(
                Map.of("userId", ada, "credits", 1),
                Map.of("email", "nobody@nowhere.example", "credits", 1),
                Map.of("email", t.email("Ada Bulk"), "credits", 1),
                Map.of("userId", bob, "credits", 50.001))), key());

        assertRefusedAndUnchanged(response, 422, "BULK_REFUSED", before);
        var errors = response.json().get("errors");
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(errors.get(0).get("code").asString()).isEqualTo("NOT_FOUND");
        assertThat(errors.get(0).get("detail").asString()).contains("nobody@nowhere.example");
        assertThat(errors.get(1).get("index").asInt()).isEqualTo(2);
        assertThat(errors.get(1).get("code").asString()).isEqualTo("DUPLICATE_USER");
        assertThat(errors.get(1).get("detail").asString()).startsWith("the user is already in row 1 (index 0);");
        assertThat(errors.get(2).get("index").asInt()).isEqualTo(3);
        assertThat(errors.get(2).get("code").asString()).isEqualTo("EXCEEDS_REMOVABLE");
        assertThat(errors.get(2).get("removable").decimalValue()).isEqualByComparingTo("50");
    }

    @Test
    void malformed_json_bulks_are_refused_with_their_own_code_and_the_row_index() {
        var before = TenantState.of(t);
        assertRefusedAndUnchanged(bulk(Map.of("operation", "give", "items", List.of(Map.of("userId", ada, "credits", 1))), key()),
                400, "VALIDATION_FAILED", before);
        assertRefusedAndUnchanged(bulk(Map.of("operation", "add", "items", List.of()), key()), 400, "VALIDATION_FAILED", before);
        var precise = bulk(Map.of("operation", "add", "items", List.of(Map.of("userId", ada, "credits", 1),
                Map.of("userId", bob, "credits", new BigDecimal("0.0001")))), key());
        assertRefusedAndUnchanged(precise, 400, "INVALID_AMOUNT", before);
        assertThat(precise.json().get("index").asInt()).isEqualTo(1);
        var notANumber = bulk(Map.of("operation", "add", "items", List.of(Map.of("userId", ada, "credits", "ten"))), key());
        assertRefusedAndUnchanged(notANumber, 400, "INVALID_AMOUNT", before);
        assertThat(notANumber.json().get("index").asInt()).isEqualTo(0);
    }

    @Nested
    class Csv {

        @Test
        void a_file_with_a_byte_order_mark_and_quoted_commas_is_applied_row_by_row() {
            String file = "\uFEFFemail,credits,note\r\n" + t.email("Ada Bulk") + ",12,\"Project Phoenix, phase 2\"\r\n"
                    + t.email("Bob Bulk") + ",0.5,\r\n";
            var response = csv("operation=add", file, key());

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json().get("rows")).hasSize(2);
            assertThat(response.json().get("unassignedAfter").decimalValue()).isEqualByComparingTo("837.5");
            var entries = t.platform.get(t.base + "/credits/entries?type=ADD").json().get("items");
            assertThat(entries.get(1).get("note").asString()).isEqualTo("Project Phoenix, phase 2");
            assertThat(entries.get(0).get("note").isNull()).isTrue();
        }

        @Test
        void a_dry_run_of_a_file_changes_nothing() {
            var before = TenantState.of(t);
            var response = csv("operation=remove&dryRun=true", "email,credits,note\n" + t.email("Bob Bulk") + ",50,\n", null);
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json().get("rows").get(0).get("after").get("remaining").decimalValue()).isEqualByComparingTo("0");
            TenantState.of(t).assertUnchangedSince(before, ledger, t.tenant, "a dry run of a file");
        }

        @Test
        void every_malformed_file_is_refused_with_its_own_code_and_changes_nothing() {
            var before = TenantState.of(t);
            String ada = t.email("Ada Bulk");
            assertRefusedAndUnchanged(csv("operation=add", "mail,credits,note\n" + ada + ",1,\n", key()), 400, "CSV_HEADER", before);
            assertRefusedAndUnchanged(csv("operation=add", "email,credits\n" + ada + ",1\n", key()), 400, "CSV_HEADER", before);
            assertRefusedAndUnchanged(csv("operation=add", "", key()), 400, "CSV_HEADER", before);
            assertRefusedAndUnchanged(csv("operation=add", "email,credits,note\n", key()), 400, "CSV_NO_ROWS", before);

            var missing = csv("operation=add", "email,credits,note\n" + ada + ",1,\n" + ada + ",1\n", key());
            assertRefusedAndUnchanged(missing, 400, "CSV_COLUMNS", before);
            assertThat(missing.json().get("index").asInt()).isEqualTo(1);

            var notANumber = csv("operation=add", "email,credits,note\n" + ada + ",ten,\n", key());
            assertRefusedAndUnchanged(notANumber, 400, "INVALID_AMOUNT", before);
            assertThat(notANumber.json().get("index").asInt()).isZero();
            var tooPrecise = csv("operation=add", "email,credits,note\n" + ada + ",1,\n" + t.email("Bob Bulk") + ",1.0001,\n", key());
            assertRefusedAndUnchanged(tooPrecise, 400, "INVALID_AMOUNT", before);
            assertThat(tooPrecise.json().get("index").asInt()).isEqualTo(1);
            // Every refused row at once (SPEC: "every refused row says why"), not one per upload.
            var three = csv("operation=add", "email,credits,note\n" + ada + ",abc,\n" + ada + ",2,\n" + ada + ",1.2345,\n"
                    + ada + ",-3,\n" + ada + ",1\n", key());
            assertRefusedAndUnchanged(three, 400, "INVALID_AMOUNT", before);
            assertThat(three.json().get("errors").valueStream().map(e -> e.get("index").asInt() + " " + e.get("code").asString()))
                    .containsExactly("0 INVALID_AMOUNT", "2 INVALID_AMOUNT", "3 INVALID_AMOUNT", "4 CSV_COLUMNS");
            assertThat(three.json().get("detail").asString()).endsWith("(and 3 more rows: see errors)");

            var openQuote = csv("operation=add", "email,credits,note\n" + ada + ",1,\"open quote\n", key());
            assertRefusedAndUnchanged(openQuote, 400, "CSV_MALFORMED", before);
            assertThat(openQuote.json().get("detail").asString()).as("the parser's words, not its class names")
                    .contains("line 2").doesNotContain("org.apache").doesNotContain("Exception");
            byte[] notUtf8 = concat(("email,credits,note\n" + ada + ",1,").getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, '\n'});
            assertRefusedAndUnchanged(csv("operation=add", notUtf8, "text/csv", key()), 400, "CSV_ENCODING", before);
            assertRefusedAndUnchanged(csv("operation=give", "email,credits,note\n" + ada + ",1,\n", key()), 400, "VALIDATION_FAILED", before);
            assertRefusedAndUnchanged(csv("", "email,credits,note\n" + ada + ",1,\n", key()), 400, "VALIDATION_FAILED", before);
            assertRefusedAndUnchanged(csv("operation=add", ("email,credits,note\n" + ada + ",1,\n").getBytes(StandardCharsets.UTF_8),
                    "application/json", key()), 415, "UNSUPPORTED_MEDIA_TYPE", before);
            assertRefusedAndUnchanged(csv("operation=add", ("email,credits,note\n" + ada + ",1,\n").getBytes(StandardCharsets.UTF_8),
                    "text/plain", key()), 415, "UNSUPPORTED_MEDIA_TYPE", before);
            assertRefusedAndUnchanged(csv("operation=add", "email,credits,note\n" + ada + ",1,\n", null), 400, "VALIDATION_FAILED", before);
        }

        @Test
        void a_file_of_ten_megabytes_is_refused_before_it_is_read() {
            var before = TenantState.of(t);
            var line = (t.email("Ada Bulk") + ",1,\"" + "n".repeat(480) + "\"\n").getBytes(StandardCharsets.UTF_8);
            var file = new byte[10 * 1024 * 1024];
            byte[] header = "email,credits,note\n".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(header, 0, file, 0, header.length);
            for (int at = header.length; at + line.length <= file.length; at += line.length) {
                System.arraycopy(line, 0, file, at, line.length);
            }
            assertRefusedAndUnchanged(csv("operation=add", file, "text/csv", key()), 413, "BODY_TOO_LARGE", before);
        }

        @Test
        void ten_thousand_rows_are_applied_and_ten_thousand_and_one_refused() {
            // 10,000 registered users, inserted directly: registering them one by one through the API would take minutes.
            jdbc.sql("""
                    insert into users (tenant_id, id, name, email, role, created_at)
                    select ?, gen_random_uuid(), 'Many ' || g, 'many' || g || '@bulk.example', 'Viewer', now()
                      from generate_series(1, 10000) g
                    """).param(UUID.fromString(t.tenant)).update();
            t.purchase("100000");
            var file = new StringBuilder("email,credits,note\n");
            for (int i = 1; i <= 10_000; i++) {
                file.append("many").append(i).append("@bulk.example,1.5,\n");
            }
            var before = TenantState.of(t);
            var tooMany = csv("operation=assign", file + "many1@bulk.example,1,\n", key());
            assertRefusedAndUnchanged(tooMany, 400, "TOO_MANY_ROWS", before);

            long started = System.nanoTime();
            var applied = csv("operation=assign", file.toString(), key());
            System.out.printf("BulkApiTest: a 10,000-row CSV bulk assign answered in %d ms%n",
                    (System.nanoTime() - started) / 1_000_000);
            assertThat(applied.status()).as(applied.text().substring(0, Math.min(500, applied.text().length()))).isEqualTo(200);
            assertThat(applied.json().get("rows")).hasSize(10_000);
            var summary = t.platform.get(t.base + "/credits/summary").json();
            assertThat(summary.get("usersWithCredits").asInt()).isEqualTo(10_002);
            assertThat(summary.get("creditsUnassigned").decimalValue()).isEqualByComparingTo("85850");
            assertThat(t.platform.get(t.base + "/credits/entries?type=ASSIGN&size=1").json().get("total").asInt())
                    .isEqualTo(10_002);
            assertThat(ledger.reconcile(TenantId.of(t.tenant)).drifts()).isEmpty();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        var out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
