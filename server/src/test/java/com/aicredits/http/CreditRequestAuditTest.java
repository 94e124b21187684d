package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit trail of credit request decisions, in the credit request tests' context (e-mail on, though these tests
 * read no mail): each decision is in {@code audit_events} once with what was decided, whichever way it was made.
 */
@TestApplication
class CreditRequestAuditTest extends CreditRequestContext {

    @Autowired JdbcClient jdbc;

    /**
     * Each decision is in the audit trail once, with what was decided, whether made through the API or on the
     * admin screen (a form post the API's audit filter never sees); a refused decision adds no decision row.
     */
    @Test
    void every_decision_is_audited_once_whichever_way_it_was_made() {
        var t = new HttpFixture(port);
        t.user("Ada Admin", "Admin");
        String api = t.user("Api Decided", "Planner");
        String screen = t.user("Screen Decided", "Planner");
        String screenApproved = t.user("Screen Approved", "Planner");
        t.purchase("100");
        String viaApi = t.admin().post(t.base + "/credit-requests", body("credits", 5, "reason", "r", "userId", api))
                .json().get("id").asString();
        String viaScreen = t.admin().post(t.base + "/credit-requests", body("credits", 7, "reason", "r", "userId", screen))
                .json().get("id").asString();
        String approvedOnScreen = t.admin().post(t.base + "/credit-requests",
                body("credits", 9, "reason", "r", "userId", screenApproved)).json().get("id").asString();

        assertThat(t.admin().send("POST", t.base + "/credit-requests/" + viaApi + "/approve",
                body("credits", 4, "note", "four will do"), key()).status()).isEqualTo(200);
        var admin = t.session("Ada Admin");
        String screenBase = "/app/tenants/" + t.tenant + "/credits/requests/";
        assertThat(admin.sendForm(screenBase + viaScreen + "/decline", "reason=Not+this+quarter").status()).isEqualTo(200);
        assertThat(admin.sendForm(screenBase + approvedOnScreen + "/approve", "credits=3&note=three").status()).isEqualTo(200);
        // Deciding again (either way) is refused and records no decision.
        assertThat(admin.sendForm(screenBase + viaScreen + "/approve", "").status()).isEqualTo(422);
        assertThat(t.admin().send("POST", t.base + "/credit-requests/" + viaApi + "/decline", body(), key()).status())
                .isEqualTo(409);

        assertThat(decisions(t.tenant, viaApi)).singleElement().satisfies(row -> {
            assertThat(row.get("code")).isEqualTo("CREDIT_REQUEST_APPROVED");
            assertThat((String) row.get("actor")).startsWith("key:");
            assertThat((String) row.get("detail")).contains(api).contains("granted 4").contains("four will do");
        });
        assertThat(decisions(t.tenant, viaScreen)).singleElement().satisfies(row -> {
            assertThat(row.get("code")).isEqualTo("CREDIT_REQUEST_DECLINED");
            assertThat((String) row.get("actor")).contains(t.email("Ada Admin"));
            assertThat((String) row.get("detail")).contains("asked for 7").contains("Not this quarter");
        });
        assertThat(decisions(t.tenant, approvedOnScreen)).singleElement().satisfies(row -> {
            assertThat(row.get("code")).isEqualTo("CREDIT_REQUEST_APPROVED");
            assertThat((String) row.get("detail")).contains("granted 3 as an assign").contains("three");
        });
        // The API's refused second decision is still in the trail, as the refusal it was.
        assertThat(jdbc.sql("select count(*) from audit_events where tenant_id = ?::uuid and path like ? and status = 409")
                .params(t.tenant, "%" + viaApi + "/decline").query(Long.class).single()).isEqualTo(1);
    }

    private List<Map<String, Object>> decisions(String tenant, String request) {
        return jdbc.sql("select actor, code, detail from audit_events where tenant_id = ?::uuid and path like ? and status = 200")
                .params(tenant, "%/credit-requests/" + request + "/%").query().listOfRows();
    }
}
