package com.aicredits.api;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Errors that Tomcat answers itself, before any filter or controller runs (an encoded slash in the path,
 * a malformed request line), are problem details too, instead of Tomcat's HTML page; SCIM paths get RFC 7644
 * error bodies. Errors inside the application never reach this: Spring has written their body already, or, for an
 * error Tomcat raised while the application ran, the error dispatch has ({@link ErrorDispatch}, same shape).
 */
@Component
class ContainerErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    /** After Spring Boot's own customizer, which adds Tomcat's report valve to the host: this one replaces it. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.getPipeline().addValve(new ProblemReport());
                // The host adds a report valve of this class when it has none; it has ours.
                host.setErrorReportValveClass(ProblemReport.class.getName());
            }
        });
    }

    /** The codes of docs/api-contract.md where they exist, else the status's name (URI_TOO_LONG, …). */
    private static final Map<Integer, String> CODES = Map.of(400, "VALIDATION_FAILED", 404, "NOT_FOUND",
            405, "METHOD_NOT_ALLOWED", 413, "BODY_TOO_LARGE", 415, "UNSUPPORTED_MEDIA_TYPE", 500, "INTERNAL",
            503, "UNAVAILABLE");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The SCIM paths answer RFC 7644 error bodies, which is what a SCIM client reads; all others a problem detail. */
    static boolean isScim(String uri) {
        return uri != null && uri.startsWith("/scim/v2");
    }

    static String contentType(String uri) {
        return isScim(uri) ? "application/scim+json" : MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    }

    /**
     * The error body for {@code uri}, for an error no handler of the application answered: Tomcat's own (the valve
     * below) and those that reach the error dispatch ({@link ErrorDispatch}). {@code detail} may be null or blank:
     * the status's reason phrase stands in.
     */
    static Map<String, Object> body(int status, String detail, String uri) {
        var known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String said = detail == null || detail.isBlank() ? title : detail;
        var body = new LinkedHashMap<String, Object>();
        if (isScim(uri)) {
            body.put("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:Error"));
            body.put("status", String.valueOf(status));
            body.put("detail", said);
        } else {
            body.put("type", "about:blank");
            body.put("title", title);
            body.put("status", status);
            body.put("detail", said);
            body.put("code", CODES.getOrDefault(status, known == null ? "HTTP_" + status : known.name()));
        }
        return body;
    }

    static final String SHUTTING_DOWN = "the service is shutting down and did not read this request; retry it, "
            + "with the same Idempotency-Key or requestId";

    static final class ProblemReport extends ErrorReportValve {

        ProblemReport() {
            setShowReport(false);
            setShowServerInfo(false);
        }

        /** Tomcat's own guards, then a problem instead of a page; Tomcat's message says what was wrong. */
        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            var ioAllowed = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) {
                return;
            }
            String message = response.getMessage();
            if (status == 400 && readAsTheConnectorPaused(request)) {
                status = 503;
                response.setStatus(status);
                message = SHUTTING_DOWN;
            }
            String uri = request.getRequestURI();
            try {
                response.setContentType(contentType(uri));
                response.setCharacterEncoding("UTF-8");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(JSON.writeValueAsString(body(status, message, uri)));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The client is gone or the response is closed: nothing more to say.
            }
        }

        /**
         * Tomcat's answer to a request whose request line it read just as the connector paused (a graceful shutdown
         * pauses it): it sets 503 and skips the headers, then finds no Host header among those it never read and
         * makes the answer a 400. The request may well have been valid, and a 400 tells its client not to send it
         * again: it is the 503 Tomcat meant (ConnectorPauseTest). Only a request of which Tomcat read no header at all
         * is taken for one, and only while paused (a graceful shutdown never resumes): any other 400 is the client's.
         */
        private static boolean readAsTheConnectorPaused(Request request) {
            return request.getConnector() != null
                    && request.getConnector().getProtocolHandler() instanceof AbstractProtocol<?> protocol
                    && protocol.isPaused() && request.getCoyoteRequest().getMimeHeaders().size() == 0;
        }
    }
}
