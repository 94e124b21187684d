package com.aicredits.canvas;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Any OpenAI-compatible chat-completions endpoint: POST {base}/chat/completions, usage from the reply. */
class OpenAiCompatibleModel implements ChatModel {

    private final URI endpoint;
    private final String apiKey;
    private final String model;
    private final Duration timeout;
    private final JsonMapper json;
    private final HttpClient http;

    OpenAiCompatibleModel(String baseUrl, String apiKey, String model, Duration timeout, JsonMapper json) {
        this.endpoint = URI.create(baseUrl.replaceAll("/+$", "") + "/chat/completions");
        this.apiKey = apiKey;
        this.model = model;
        this.timeout = timeout;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public Completion complete(List<Turn> conversation) {
        var messages = conversation.stream().map(t -> Map.of("role", t.author(), "content", t.content())).toList();
        var request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("model", model, "messages", messages))));
        if (apiKey != null && !apiKey.isBlank()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("the model at " + endpoint + " could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for the model", e);
        }
        if (response.statusCode() != 200) {
            throw new Unavailable("the model answered " + response.statusCode(), null);
        }
        try {
            JsonNode reply = json.readTree(response.body());
            String text = reply.get("choices").get(0).get("message").get("content").asString();
            JsonNode usage = reply.get("usage");
            return new Completion(text, usage.get("prompt_tokens").asLong(), usage.get("completion_tokens").asLong());
        } catch (RuntimeException e) {
            throw new Unavailable("the model's reply was not a chat completion with usage", e);
        }
    }

    @Override
    public String label() {
        return model;
    }

    @Override
    public boolean isStandIn() {
        return false;
    }
}
