package com.aicredits.provisioning.web;

import com.aicredits.shared.DatabaseAway;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Whatever goes wrong on a SCIM path (no such path or method, a body that cannot be read, the database out of
 * reach, a bug) is answered as an RFC 7644 error, like every refusal there, before the API's problem-detail
 * handling sees it. Every other path is left to that handling.
 */
@Component
class ScimErrors implements HandlerExceptionResolver, Ordered {

    private static final Logger log = LoggerFactory.getLogger(ScimErrors.class);

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception e) {
        String uri = request.getRequestURI();
        if (uri == null || !(uri.equals("/scim/v2") || uri.startsWith("/scim/v2/")) || response.isCommitted()) {
            return null;
        }
        var answer = switch (e) {
            case HttpMessageNotReadableException unreadable -> tooLarge(unreadable)
                    ? ScimResponses.error(413, null, "the body is larger than the service reads")
                    : ScimResponses.error(400, "invalidSyntax", "the body cannot be read");
            // Spring's own details speak of handlers and static resources: said again for a person.
            case NoResourceFoundException missing -> ScimResponses.error(404, null, "there is no SCIM endpoint at " + uri);
            case HttpRequestMethodNotSupportedException method -> ScimResponses.error(405, null,
                    uri + " does not take " + request.getMethod());
            case HttpMediaTypeNotAcceptableException notAcceptable -> ScimResponses.error(406, null,
                    "the answer is application/scim+json, which the Accept header does not admit");
            case ErrorResponse framework -> ScimResponses.error(framework.getStatusCode().value(), null,
                    "the request cannot be served: " + reason(framework.getStatusCode().value()));
            // A query parameter Tomcat cannot decode (%FF is no UTF-8), or a header the firewall refused lazily.
            case org.apache.tomcat.util.http.InvalidParameterException undecodable -> ScimResponses.error(400,
                    "invalidValue", "the query parameters cannot be read (percent-encoded bytes must be UTF-8)");
            case org.springframework.security.web.firewall.RequestRejectedException rejected -> ScimResponses.error(400,
                    null, "the request is malformed: " + rejected.getMessage());
            case Exception away when DatabaseAway.explains(away) -> unavailable();
            default -> {
                log.error("SCIM request {} {} failed", request.getMethod(), uri, e);
                yield ScimResponses.error(500, null, "internal error");
            }
        };
        if (e instanceof ErrorResponse framework) {
            // The framework's headers go with its refusal: Allow on a 405 names the methods the path does take
            // (RFC 9110 §15.5.6).
            framework.getHeaders().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        }
        try {
            response.setStatus(answer.getStatusCode().value());
            response.setContentType(ScimResponses.SCIM_JSON.toString());
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(answer.getBody());
        } catch (IOException writeFailed) {
            log.debug("could not write the SCIM error for {}", uri, writeFailed);
        }
        return new ModelAndView();
    }

    private static String reason(int status) {
        var known = org.springframework.http.HttpStatus.resolve(status);
        return known == null ? "HTTP " + status : known.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
    }

    private static org.springframework.http.ResponseEntity<String> unavailable() {
        return ScimResponses.error(503, null, "the service cannot reach its database; retry later");
    }

    /** BodySizeLimit's counting stream gave up reading: the body is over the limit. */
    private static boolean tooLarge(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getClass().getSimpleName().equals("BodyTooLarge")) {
                return true;
            }
        }
        return false;
    }
}
