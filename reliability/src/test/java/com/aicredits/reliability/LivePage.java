package com.aicredits.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An admin's page left open on the service: signed in with a password, listening to the tenant's live stream
 * (server-sent events) as the page's script does. Every event reaches it through PostgreSQL's LISTEN/NOTIFY
 * channel, so hearing one says the service's listening connection works on the database as it is now.
 */
final class LivePage implements AutoCloseable {

    /** An event's data and when it arrived. */
    private record Heard(Instant at, String data) {
    }

    private final BlockingQueue<Heard> heard = new LinkedBlockingQueue<>();
    private final Thread reader;

    private LivePage(Thread reader) {
        this.reader = reader;
    }

    static LivePage open(URI service, UUID tenant, String email, String password) throws IOException, InterruptedException {
        // The session cookie is __Host- and Secure, which java.net.CookieManager never sends over plain http (nor
        // would a browser): the page keeps it by hand instead, so the service runs with its production settings.
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var cookies = new java.util.LinkedHashMap<String, String>();
        keep(cookies, http.send(HttpRequest.newBuilder(service.resolve("/login")).build(), HttpResponse.BodyHandlers.discarding()));
        var signIn = http.send(withCookies(HttpRequest.newBuilder(service.resolve("/login")), cookies)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", service.toString().replaceAll("/$", ""))
                .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
                        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.discarding());
        keep(cookies, signIn);
        String location = signIn.headers().firstValue("Location").orElse("");
        if (signIn.statusCode() != 302 || location.contains("error")) {
            throw new IllegalStateException("sign-in failed for " + email + ": " + signIn.statusCode() + " " + location);
        }
        var stream = http.send(withCookies(HttpRequest.newBuilder(service.resolve("/app/tenants/" + tenant + "/live")), cookies)
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        if (stream.statusCode() != 200) {
            throw new IllegalStateException("the live stream answered " + stream.statusCode());
        }
        var page = new LivePage[1];
        var reader = Thread.ofVirtual().unstarted(() -> {
            try {
                stream.body().filter(line -> line.startsWith("data:"))
                        .forEach(line -> page[0].heard.add(new Heard(Instant.now(), line.substring("data:".length()))));
            } catch (java.io.UncheckedIOException closed) {
                // the page was closed (interrupted), or the service went away: nothing more to hear
            }
        });
        page[0] = new LivePage(reader);
        reader.start();
        return page[0];
    }

    private static void keep(java.util.Map<String, String> cookies, HttpResponse<?> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int equals = pair.indexOf('=');
            cookies.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
    }

    private static HttpRequest.Builder withCookies(HttpRequest.Builder request, java.util.Map<String, String> cookies) {
        if (!cookies.isEmpty()) {
            request.header("Cookie", String.join("; ", cookies.entrySet().stream()
                    .map(cookie -> cookie.getKey() + "=" + cookie.getValue()).toList()));
        }
        return request;
    }

    /** Forgets what was heard so far. */
    void forget() {
        heard.clear();
    }

    /**
     * Whether, within {@code within}, an event names {@code text} (a user's id), or one says "refresh everything"
     * ({@code *}) after {@code changedBefore}, the moment the change was acknowledged. The second is how the service
     * tells its pages of a change published while its listening connection was away (it refreshes them all once it
     * listens again), which happens when the change commits in the moment between the new primary serving and that
     * connection finding it.
     */
    boolean hears(String text, Instant changedBefore, Duration within) throws InterruptedException {
        var deadline = Instant.now().plus(within);
        for (var left = within; !left.isNegative(); left = Duration.between(Instant.now(), deadline)) {
            Heard event = heard.poll(left.toMillis(), TimeUnit.MILLISECONDS);
            if (event != null && (java.util.Arrays.asList(event.data().split(",")).contains(text)
                    || event.data().equals("*") && event.at().isAfter(changedBefore))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        reader.interrupt();
    }
}
