package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The API answers JSON whatever the Accept header asks for: a YAML answer printed amounts as {@code 7.6E+2}, and a
 * 406 would come after the call was applied. Bodies that are not JSON are refused with 415 (see {@link BadInputTest}).
 */
@TestApplication
class JsonAnswersTest {

    @LocalServerPort int port;

    @Test
    void a_charge_that_asks_for_yaml_is_answered_in_json_with_plain_amounts() {
        var t = new HttpFixture(port);
        t.purchase("1000");
        String ada = t.user("Ada Yaml", "Planner");
        t.assign(ada, "1000");

        var charged = t.consumer().send("POST", t.base + "/consumption/charge",
                Map.of("requestId", "r-" + UUID.randomUUID(), "userId", ada, "feature", "canvas", "cost", 760),
                Map.of("Accept", "application/yaml"));

        assertThat(charged.status()).as(charged.text()).isEqualTo(201);
        assertThat(charged.header("Content-Type")).startsWith("application/json");
        assertThat(charged.text()).contains("\"cost\":760", "\"remaining\":240");
    }

    @Test
    void other_types_asked_for_get_json_too_and_so_do_refusals() {
        var t = new HttpFixture(port);
        String bob = t.user("Bob Xml", "Viewer");

        var balance = t.consumer().send("GET", t.base + "/users/" + bob + "/balance", null, Map.of("Accept", "application/xml"));
        assertThat(balance.status()).as(balance.text()).isEqualTo(200);
        assertThat(balance.header("Content-Type")).startsWith("application/json");
        assertThat(balance.json().path("remaining").decimalValue()).isEqualByComparingTo("0");

        var unknown = t.consumer().send("GET", t.base + "/users/" + UUID.randomUUID() + "/balance", null,
                Map.of("Accept", "application/yaml"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
        assertThat(unknown.code()).isEqualTo("NOT_FOUND");
    }
}
