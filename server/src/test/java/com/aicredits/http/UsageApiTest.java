package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.aicredits.ledger.Ledger;
import com.aicredits.shared.TenantId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The usage and forecast endpoints and the table's runway columns, exactly as API.md's part-two additions name them. */
@TestApplication
class UsageApiTest {

    @LocalServerPort int port;
    @Autowired Ledger ledger;

    private void charge(HttpFixture t, String user, String feature, int cost) {
        var charged = t.consumer().post(t.base + "/consumption/charge", Map.of("requestId", UUID.randomUUID().toString(),
                "userId", user, "feature", feature, "cost", cost));
        assertThat(charged.status()).as(charged.text()).isEqualTo(201);
    }

    @Test
    void usage_and_forecast_answer_with_the_fields_of_API_md() {
        var t = new HttpFixture(port);
        t.purchase("1000");
        String ada = t.user("Ada Usage", "Planner");
        String bob = t.user("Bob Usage", "Viewer");
        t.assign(ada, "100");
        t.assign(bob, "100");
        charge(t, ada, "canvas", 28);
        charge(t, ada, "summarize", 14);
        charge(t, bob, "canvas", 7);
        String today = ledger.overTime().today(new TenantId(UUID.fromString(t.tenant))).toString();

        var usage = t.admin().get(t.base + "/credits/usage?groupBy=feature");
        assertThat(usage.status()).as(usage.text()).isEqualTo(200);
        var body = usage.json();
        assertThat(body.get("to").asString()).isEqualTo(today);
        assertThat(body.get("interval").asString()).isEqualTo("day");
        assertThat(body.get("total").decimalValue()).isEqualByComparingTo("49");
        assertThat(body.get("series").get(0).get("key").asString()).isEqualTo("canvas");
        assertThat(body.get("series").get(0).get("label").asString()).isEqualTo("canvas");
        assertThat(body.get("series").get(0).get("total").decimalValue()).isEqualByComparingTo("35");
        assertThat(body.get("series").get(0).get("points").size()).isEqualTo(30);
        var last = body.get("series").get(0).get("points").get(29);
        assertThat(last.get("date").asString()).isEqualTo(today);
        assertThat(last.get("consumed").decimalValue()).isEqualByComparingTo("35");

        var byUser = t.admin().get(t.base + "/credits/usage?groupBy=user&interval=month&limit=1").json();
        assertThat(byUser.get("series").size()).isEqualTo(1);
        assertThat(byUser.get("series").get(0).get("key").asString()).isEqualTo(ada);
        assertThat(byUser.get("series").get(0).get("label").asString()).isEqualTo("Ada Usage");

        var forecast = t.admin().get(t.base + "/credits/forecast").json();
        assertThat(forecast.get("tenant").get("available").decimalValue()).isEqualByComparingTo("951");
        assertThat(forecast.get("tenant").get("dailyBurn").decimalValue()).isEqualByComparingTo("3.5");
        // Ada: 58 left at 3 a day, out in 19 days: not at risk, so listed nowhere; nobody else is either
        assertThat(forecast.get("users").size()).isZero();

        var rows = t.admin().get(t.base + "/credits/users?sort=runsOutOn").json().get("items");
        assertThat(rows.get(0).get("name").asString()).isEqualTo("Ada Usage");
        assertThat(rows.get(0).get("dailyBurn").decimalValue()).isEqualByComparingTo("3");
        assertThat(rows.get(0).get("runsOutOn").asString())
                .isEqualTo(java.time.LocalDate.parse(today).plusDays(19).toString());
        assertThat(rows.get(1).get("dailyBurn").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(t.admin().get(t.base + "/credits/users?state=runs_out_soon").json().get("total").asInt()).isZero();
    }

    @Test
    void a_user_reads_their_own_usage_and_runway_and_nobody_elses() {
        var t = new HttpFixture(port);
        t.purchase("1000");
        String ada = t.user("Ada Own", "Planner");
        String bob = t.user("Bob Other", "Planner");
        t.assign(ada, "10");
        charge(t, ada, "canvas", 7);
        var session = t.session("Ada Own");

        var own = session.get(t.base + "/credits/usage?userId=" + ada);
        assertThat(own.status()).as(own.text()).isEqualTo(200);
        assertThat(own.json().get("total").decimalValue()).isEqualByComparingTo("7");
        var runway = session.get(t.base + "/credits/forecast?userId=" + ada);
        assertThat(runway.status()).as(runway.text()).isEqualTo(200);
        assertThat(runway.json().get("tenant").isNull()).isTrue();
        assertThat(runway.json().get("users").get(0).get("available").decimalValue()).isEqualByComparingTo("3");
        assertThat(runway.json().get("users").get(0).get("dailyBurn").decimalValue()).isEqualByComparingTo("0.5");

        for (String path : List.of("/credits/usage", "/credits/usage?userId=" + bob, "/credits/forecast",
                "/credits/forecast?userId=" + bob)) {
            assertThat(session.get(t.base + path).status()).as(path).isEqualTo(403);
        }
    }

    @Test
    void assign_add_and_remove_answer_the_users_row_as_the_table_shows_it_runway_included() {
        var t = new HttpFixture(port);
        t.purchase("1000");
        String ada = t.user("Ada Answered", "Planner");
        String bob = t.user("Bob Answered", "Viewer");
        t.assign(ada, "100");
        charge(t, ada, "canvas", 28);

        for (var call : List.of(List.of(ada, "add", "Ada Answered"), List.of(ada, "remove", "Ada Answered"),
                List.of(bob, "assign", "Bob Answered"))) {
            var answer = t.admin().post(t.base + "/credits/users/" + call.get(0) + "/" + call.get(1), Map.of("credits", 10),
                    UUID.randomUUID().toString());
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            var table = t.admin().get(t.base + "/credits/users?q=" + call.get(2).replace(' ', '+')).json().get("items");
            assertThat(table.size()).isEqualTo(1);
            assertThat(answer.json()).as(call.get(1)).isEqualTo(table.get(0));
        }
        // Ada: 28 over the last 14 days is 2 a day; 77 left after this add lasts 38 days
        var added = t.admin().post(t.base + "/credits/users/" + ada + "/add", Map.of("credits", 5), UUID.randomUUID().toString());
        assertThat(added.json().get("dailyBurn").decimalValue()).isEqualByComparingTo("2");
        assertThat(added.json().get("runsOutOn").asString())
                .isEqualTo(ledger.overTime().today(new TenantId(UUID.fromString(t.tenant))).plusDays(38).toString());
    }
}
