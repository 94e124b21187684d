package com.aicredits.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A person's browser opening a page that is not there for them (an unknown, malformed or another tenant's id, an
 * unknown path) gets a page they can read, {@code templates/error/4xx.html}, with a way back, instead of the problem
 * document an API client reads. Spring Security's refusals of a page reach the same template through the
 * error dispatch. API and SCIM calls, and htmx's own requests (which read the status, not the page), keep
 * the problem details of {@link ApiErrors}.
 */
@Component
public class PageErrors implements WebMvcConfigurer, HandlerExceptionResolver {

    /** Before the {@code @ExceptionHandler}s of {@link ApiErrors}, which would answer a problem document. */
    @Override
    public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
        resolvers.addFirst(this);
    }

    /** The error dispatch renders the page for the status; anything else is left to the next resolver. */
    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception e) {
        if (!isPageVisit(request)) {
            return null;
        }
        int status;
        if (ApiErrors.malformedPathId(e)) {
            status = 404;
        } else if (e instanceof ErrorResponse error && error.getStatusCode().is4xxClientError()) {
            status = error.getStatusCode().value();
            // The framework's headers go with the page: Allow on a 405 names the methods the address does take
            // (RFC 9110 §15.5.6). sendError keeps headers set before it.
            error.getHeaders().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        } else {
            return null;
        }
        try {
            response.sendError(status);
            return new ModelAndView();
        } catch (IOException gone) {
            return null;
        }
    }

    /** A navigation in a browser: it asks for HTML by name, is not htmx's own request and not an API path. */
    public static boolean isPageVisit(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return request.getHeader("HX-Request") == null && accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)
                && uri != null && !uri.startsWith("/api/") && !uri.startsWith("/scim/");
    }
}
