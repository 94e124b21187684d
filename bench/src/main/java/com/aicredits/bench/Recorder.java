package com.aicredits.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Per-thread histograms keyed by call name, plus errors; merged after the run. */
final class Recorder {
    final Map<String, Histogram> calls = new LinkedHashMap<>();
    final Histogram units = histogram();
    long errors;
    volatile boolean recording;
    private final HttpClient http;
    private final Map<String, String> errorSamples;

    Recorder(HttpClient http, Map<String, String> errorSamples) {
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
    boolean call(String name, HttpRequest request, int expected) {
        return callForBody(name, request, expected) != null;
    }

    /** The answer's body when the status is the expected one, else null (counted as an error). */
    String callForBody(String name, HttpRequest request, int expected) {
        long start = System.nanoTime();
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - start;
            if (recording) hist(name).recordValue(took);
            if (response.statusCode() != expected) {
                if (recording) {
                    errors++;
                    errorSamples.putIfAbsent(name + " " + response.statusCode(), trim(response.body()));
                }
                return null;
            }
            return response.body();
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
