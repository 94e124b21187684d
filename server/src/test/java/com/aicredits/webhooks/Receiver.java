package com.aicredits.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/**
 * A real webhook receiver on loopback: the JDK's HTTP server. {@code behaviour} maps the n-th request (from 1) to
 * the status to answer; a negative status means "answer nothing for that many milliseconds, then 200" (a timeout).
 */
final class Receiver implements AutoCloseable {

    record Received(Map<String, List<String>> headers, String body, int answered) {
        String header(String name) {
            var values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    /** Headers every answer carries (a Retry-After, say). */
    final Map<String, String> answerHeaders = new java.util.concurrent.ConcurrentHashMap<>();
    private final HttpServer server;
    private final IntUnaryOperator behaviour;
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    Receiver(IntUnaryOperator behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status = behaviour.applyAsInt(count.incrementAndGet());
        var headers = new java.util.TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
        received.add(new Received(headers, body, status));
        if (status < 0) {
            try {
                Thread.sleep(-status);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            status = 200;
        }
        byte[] answer = ("answer " + status).getBytes(StandardCharsets.UTF_8);
        answerHeaders.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
