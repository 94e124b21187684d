package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ApiClient;
import com.aicredits.TestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What a load balancer and an orchestrator ask, without credentials: is the process alive (liveness, no
 * database call), and may it take traffic (readiness, which includes the database). The database-down
 * answers are covered by the fault tests, which stop PostgreSQL.
 */
@TestApplication
class HealthProbesTest {

    @LocalServerPort int port;

    @Test
    void liveness_and_readiness_answer_up_without_credentials() {
        var anonymous = ApiClient.anonymous(port);
        for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness", "/actuator/health"}) {
            var response = anonymous.get(probe);
            assertThat(response.status()).as(probe + ": " + response.text()).isEqualTo(200);
            assertThat(response.json().path("status").asString()).as(probe).isEqualTo("UP");
        }
    }
}
