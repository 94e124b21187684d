package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * A graceful shutdown pauses Tomcat's connector. A request whose request line Tomcat reads just as it pauses gets
 * Tomcat's 503, but Tomcat skips its headers, then misses the Host header among them and makes the answer a 400:
 * a client that sent a valid call was told not to retry it (GracefulShutdownTest met one, seed
 * -3417970708145819364). It must be the retryable 503 UNAVAILABLE. The window is a few microseconds, so clients
 * keep calls going on kept-alive connections while the connector pauses and resumes, until some calls met it.
 */
@TestApplication
class ConnectorPauseTest {

    private static final int CLIENTS = 8;
    /** Calls that met the paused connector before the test is satisfied (about one in 50 pauses meets it). */
    private static final int MET = 2;
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @LocalServerPort int port;
    @Autowired WebServerApplicationContext context;

    @Test
    void a_call_read_as_the_connector_pauses_for_shutdown_is_answered_503_unavailable_never_400() throws Exception {
        var t = new HttpFixture(port);
        String user = t.user("Ada Admin", "Admin");
        t.purchase("1000");
        t.assign(user, "100");
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var stop = new AtomicBoolean();
        var paused = new AtomicBoolean();
        var parked = new AtomicInteger();
        var calls = new AtomicInteger();
        var refusals = new ConcurrentLinkedQueue<String>(); // 400s: each a valid call refused as malformed
        var met = new ConcurrentLinkedQueue<String>(); // the paused connector's own answers
        var clients = new ArrayList<Thread>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    // A valid authorize, as the workload sends it: answered 201, or 429 once the user has 4 holds.
                    var call = HttpRequest.newBuilder(URI.create("http://localhost:" + port + t.base + "/consumption/authorize"))
                            .header("Authorization", "Bearer " + t.consumeKeyText).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\":\"pause-" + calls.incrementAndGet()
                                    + "\",\"userId\":\"" + user + "\",\"feature\":\"canvas\",\"estimate\":0.001}")).build();
                    try {
                        var answer = http.send(call, HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 400) {
                            refusals.add(answer.body());
                        } else if (answer.statusCode() == 503) {
                            met.add(answer.body());
                        }
                    } catch (IOException closed) {
                        // The paused connector closed a kept-alive connection: no answer, which a client retries.
                    } catch (InterruptedException e) {
                        return;
                    }
                    // While paused, wait with the answer in hand, so the connector resumes only after the answers.
                    if (paused.get()) {
                        parked.incrementAndGet();
                        while (paused.get() && !stop.get()) {
                            try {
                                Thread.sleep(1);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        parked.decrementAndGet();
                    }
                }
            }));
        }
        long giveUp = System.nanoTime() + PATIENCE.toNanos();
        int pauses = 0;
        try {
            while (met.size() + refusals.size() < MET && refusals.isEmpty() && System.nanoTime() < giveUp) {
                Thread.sleep(40);
                paused.set(true);
                connector.pause();
                pauses++;
                // Clients whose new connection waits in the backlog cannot park; those that met the pause can.
                for (long until = System.nanoTime() + 300_000_000L; parked.get() < CLIENTS && System.nanoTime() < until; ) {
                    Thread.sleep(5);
                }
                connector.resume();
                paused.set(false);
            }
        } finally {
            stop.set(true);
            paused.set(false);
            connector.resume();
            for (Thread client : clients) {
                client.join();
            }
        }
        assertThat(refusals).as("400 answers to valid calls while the connector paused %d times", pauses).isEmpty();
        assertThat(met).as("calls that met the paused connector in %d pauses within %s", pauses, PATIENCE).isNotEmpty();
        assertThat(met).allSatisfy(body -> assertThat(body).contains("\"code\":\"UNAVAILABLE\"").contains("retry"));
    }

    @Test
    void a_request_with_no_host_header_is_still_a_400_validation_failed() throws IOException {
        var t = new HttpFixture(port);
        String answer = RawHttp.exchange(port, ("POST " + t.base + "/consumption/authorize HTTP/1.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), false);
        assertThat(answer).startsWith("HTTP/1.1 400")
                .contains("application/problem+json").contains("\"code\":\"VALIDATION_FAILED\"");
    }
}
