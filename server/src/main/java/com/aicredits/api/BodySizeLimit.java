package com.aicredits.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses bodies above {@link Limits#MAX_BODY_BYTES} ({@link Limits#MAX_BULK_BODY_BYTES} for a bulk change) with
 * 413: by Content-Length up front, and by counting for chunked bodies, so no request can make the service buffer
 * megabytes of JSON.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class BodySizeLimit extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long max = Limits.maxBodyBytes(request.getRequestURI());
        if (request.getContentLengthLong() > max) {
            tooLarge(request, response, max);
            return;
        }
        try {
            chain.doFilter(new Bounded(request, max), response);
        } catch (BodyTooLarge e) {
            if (!response.isCommitted()) {
                response.reset();
                tooLarge(request, response, max);
            }
        }
    }

    private static void tooLarge(HttpServletRequest request, HttpServletResponse response, long max) throws IOException {
        response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
        // Else the container writes ISO-8859-1 and names it in the Content-Type: JSON is UTF-8.
        response.setCharacterEncoding(StandardCharsets.UTF_8);
        if (request.getRequestURI().startsWith("/scim/v2/")) {
            // SCIM clients read RFC 7644 error bodies.
            response.setContentType("application/scim+json");
            response.getWriter().write("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"status\":\"413\","
                    + "\"detail\":\"request bodies are at most " + max + " bytes\"}");
            return;
        }
        response.setContentType("application/problem+json");
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413,"
                + "\"detail\":\"request bodies are at most " + max + " bytes\",\"code\":\"BODY_TOO_LARGE\"}");
    }

    static final class BodyTooLarge extends IOException {
        BodyTooLarge(long max) {
            super("request body larger than " + max + " bytes");
        }
    }

    private static final class Bounded extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        Bounded(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                var inner = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = inner.read();
                        if (b >= 0 && ++read > max) {
                            throw new BodyTooLarge(max);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = inner.read(buffer, offset, length);
                        if (n > 0 && (read += n) > max) {
                            throw new BodyTooLarge(max);
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return inner.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return inner.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        inner.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
