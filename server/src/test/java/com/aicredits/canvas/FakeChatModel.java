package com.aicredits.canvas;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small local server speaking the chat-completions format (there is no network here). Tests choose what
 * the next call reports (once): its token usage, an error status, or something to do while "thinking".
 */
final class FakeChatModel {

    static final FakeChatModel INSTANCE = start();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Reply(int status, String text, long promptTokens, long completionTokens, Runnable whileThinking) {
        static Reply usage(long promptTokens, long completionTokens) {
            return new Reply(200, "A fake answer.", promptTokens, completionTokens, () -> { });
        }
    }

    private final HttpServer server;
    private final AtomicReference<Reply> next = new AtomicReference<>(Reply.usage(100, 100));
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    private FakeChatModel(HttpServer server) {
        this.server = server;
    }

    private static FakeChatModel start() {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var fake = new FakeChatModel(server);
            server.createContext("/v1/chat/completions", exchange -> {
                var request = JSON.readTree(exchange.getRequestBody().readAllBytes());
                fake.requests.add(request);
                // A scripted reply is used once; then the fake answers normally again, so no test leaks into the next.
                Reply reply = fake.next.getAndSet(Reply.usage(100, 100));
                reply.whileThinking().run();
                String body = reply.status() != 200 ? "{\"error\":{\"message\":\"overloaded\"}}" : JSON.writeValueAsString(
                        java.util.Map.of("id", "chatcmpl-1", "object", "chat.completion", "model", request.get("model").asString(),
                                "choices", List.of(java.util.Map.of("index", 0, "finish_reason", "stop",
                                        "message", java.util.Map.of("role", "assistant", "content", reply.text()))),
                                "usage", java.util.Map.of("prompt_tokens", reply.promptTokens(),
                                        "completion_tokens", reply.completionTokens(),
                                        "total_tokens", reply.promptTokens() + reply.completionTokens())));
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(reply.status(), bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort() + "/v1";
    }

    void replyNext(Reply reply) {
        next.set(reply);
    }
}
