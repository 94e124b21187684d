package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** POST /consumption/charges through HTTP, with the fields and codes of API.md's "Batch consumption". */
@TestApplication
class ChargeBatchApiTest {

    @LocalServerPort int port;

    private static Map<String, Object> item(String request, String user, Object cost) {
        return Map.of("requestId", request, "userId", user, "feature", "canvas", "cost", cost);
    }

    @Test
    void a_batch_answers_one_result_per_item_in_the_order_given_and_a_repeat_answers_the_same() {
        var t = new HttpFixture(port);
        t.purchase("100");
        String ada = t.user("Ada Batch", "Planner");
        String bob = t.user("Bob Batch", "Viewer");
        t.assign(ada, "5");
        String unknown = UUID.randomUUID().toString();
        var body = Map.of("items", List.of(item("b-1", ada, 3), item("b-2", bob, 1), item("b-3", ada, 2.5),
                item("b-1", ada, 3), item("b-4", ada, 1), item("b-5", unknown, 1)));

        var response = t.consumer().post(t.base + "/consumption/charges", body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        var results = response.json().get("results");
        assertThat(results.size()).isEqualTo(6);
        var shown = new ArrayList<String>();
        results.forEach(r -> shown.add(r.get("requestId").asString() + " " + r.get("status").asString() + " "
                + (r.has("code") ? r.get("code").asString() + " " + r.has("detail") + " " + r.has("cost")
                        : r.get("cost").decimalValue().stripTrailingZeros().toPlainString() + " "
                        + r.get("remaining").decimalValue().stripTrailingZeros().toPlainString())));
        assertThat(shown).containsExactly("b-1 SETTLED 3 2", "b-2 REFUSED NO_ALLOCATION true false",
                "b-3 SETTLED 2.5 -0.5", "b-1 SETTLED 3 2", "b-4 REFUSED CREDITS_EXHAUSTED true false",
                "b-5 REFUSED NOT_FOUND true false");

        var again = t.consumer().post(t.base + "/consumption/charges", body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(response.json());
        var balance = t.consumer().get(t.base + "/users/" + ada + "/balance");
        assertThat(balance.json().get("remaining").decimalValue()).isEqualByComparingTo("-0.5");

        // the single charge agrees: the request is settled once, with the batch's figures
        var single = t.consumer().post(t.base + "/consumption/charge", item("b-3", ada, 2.5));
        assertThat(single.status()).isEqualTo(201);
        assertThat(single.json().get("remaining").decimalValue()).isEqualByComparingTo("-0.5");
    }

    @Test
    void a_thousand_items_fit_one_call_and_another_tenants_user_is_refused_as_unknown() {
        var t = new HttpFixture(port);
        var other = new HttpFixture(port);
        t.purchase("2000");
        other.purchase("10");
        String ada = t.user("Ada Thousand", "Planner");
        String eve = other.user("Eve Elsewhere", "Planner");
        t.assign(ada, "1000");
        other.assign(eve, "10");
        var items = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < 999; i++) {
            items.add(Map.of("requestId", "long-" + "r".repeat(100) + i, "userId", ada, "feature", "f".repeat(64), "cost", 1));
        }
        items.add(item("eve", eve, 1));
        var response = t.consumer().post(t.base + "/consumption/charges", Map.of("items", items));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        var results = response.json().get("results");
        assertThat(results.get(998).get("remaining").decimalValue()).isEqualByComparingTo("1");
        assertThat(results.get(999).get("code").asString()).isEqualTo("NOT_FOUND");
        assertThat(other.consumer().get(other.base + "/users/" + eve + "/balance").json().get("remaining").decimalValue())
                .isEqualByComparingTo("10");
    }
}
