package com.aicredits.http;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.core.Configuration;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.glassfish.jersey.client.ClientRequest;
import org.glassfish.jersey.client.ClientResponse;
import org.glassfish.jersey.client.spi.AsyncConnectorCallback;
import org.glassfish.jersey.client.spi.Connector;
import org.glassfish.jersey.client.spi.ConnectorProvider;
import org.glassfish.jersey.message.internal.Statuses;

/**
 * Jersey over the JDK's HttpClient, for the SCIM client in the tests: Jersey's default connector is
 * HttpURLConnection, which cannot send PATCH, and Jersey's own HttpClient connector is not on Maven Central
 * in the version Boot manages.
 */
final class JdkConnector implements Connector {

    /** Headers the JDK's client sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    static final ConnectorProvider PROVIDER = (Client client, Configuration configuration) -> new JdkConnector();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public ClientResponse apply(ClientRequest request) {
        try {
            byte[] body = null;
            if (request.hasEntity()) {
                var out = new ByteArrayOutputStream();
                request.setStreamProvider(length -> out);
                request.writeEntity();
                body = out.toByteArray();
            }
            var builder = HttpRequest.newBuilder(request.getUri()).timeout(Duration.ofSeconds(30))
                    .method(request.getMethod(), body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            request.getStringHeaders().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase())) {
                    values.forEach(value -> builder.header(name, value));
                }
            });
            HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            var answer = new ClientResponse(Statuses.from(response.statusCode()), request);
            response.headers().map().forEach((name, values) -> {
                if (!name.startsWith(":")) {
                    answer.getHeaders().addAll(name, values);
                }
            });
            answer.setEntityStream(new ByteArrayInputStream(response.body()));
            return answer;
        } catch (IOException e) {
            throw new ProcessingException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessingException(e);
        }
    }

    @Override
    public Future<?> apply(ClientRequest request, AsyncConnectorCallback callback) {
        try {
            var response = apply(request);
            callback.response(response);
            return CompletableFuture.completedFuture(response);
        } catch (ProcessingException e) {
            callback.failure(e);
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String getName() {
        return "JDK HttpClient";
    }

    @Override
    public void close() {
        http.close();
    }
}
