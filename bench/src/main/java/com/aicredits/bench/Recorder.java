package com.aicredits.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** Per-thread histograms keyed by call name, plus errors; merged after the run. */
final class Recorder {
    final Map<String, Histogram> calls = new LinkedHashMap<>();
    final Histogram units = histogram();
    long errors;
    volatile boolean recording;
    private final CloseableHttpClient http;
    private final Map<String, String> errorSamples;

    Recorder(CloseableHttpClient http, Map<String, String> errorSamples) {
        this.http = http;
        this.errorSamples = errorSamples;
    }

    /** Latencies in nanoseconds, up to an hour, to 3 significant digits. */
    static Histogram histogram() {
        return new Histogram(3_600_000_000_000L, 3);
    }

    Histogram hist(String name) {
        return calls.computeIfAbsent(name, n -> histogram());
    }

    /** Sends one request; true if it answered with the expected status. */
    boolean call(String name, ClassicHttpRequest request, int expected) {
        return callForBody(name, request, expected) != null;
    }

    private record Answer(int status, String body) {}

    /** The answer's body when the status is the expected one, else null (counted as an error). */
    String callForBody(String name, ClassicHttpRequest request, int expected) {
        long start = System.nanoTime();
        try {
            // Read whole inside the handler, so the connection goes back to the pool before the clock stops.
            Answer answer = http.execute(request, r -> new Answer(r.getCode(),
                    r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity())));
            long took = System.nanoTime() - start;
            if (recording) hist(name).recordValue(took);
            if (answer.status() != expected) {
                if (recording) {
                    errors++;
                    errorSamples.putIfAbsent(name + " " + answer.status(), trim(answer.body()));
                }
                return null;
            }
            return answer.body();
        } catch (Exception e) {
            if (recording) {
                errors++;
                errorSamples.putIfAbsent(name + " " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            }
            return null;
        }
    }

    static String trim(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
