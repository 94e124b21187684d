package com.aicredits.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;

/**
 * The error dispatch ({@code /error}) answers the error shape of {@link ContainerErrors} instead of Spring Boot's
 * default JSON ({@code timestamp}, {@code error}, {@code path}). It answers what no handler could: an error the
 * container raised with {@code sendError} after the application had begun. Above all: when reading a request body
 * fails (it ends before its Content-Length, or times out), Tomcat's InputBuffer sets the exception as the error and
 * calls {@code sendError(400)} ({@code 408} for the timeout) there and then, which suspends the response, so the
 * problem {@link ApiErrors} writes for the same failure is thrown away and the error dispatch answers (ShortBodyTest).
 * A person's browser still gets the page of {@link PageErrors}: the HTML half of Spring Boot's controller is kept.
 * Only in a web application: without one (the model test, the embedded database's tests) there is no error dispatch
 * and no {@link ErrorAttributes} to build it from.
 */
@Controller
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ErrorDispatch extends BasicErrorController {

    private static final String CUT_SHORT = "the request body was cut short: the connection ended before the whole "
            + "body had arrived (as its Content-Length or chunks declared it); nothing was done, send the whole body again";
    private static final String TOO_SLOW = "the request body did not arrive in time; nothing was done, send it again";

    /** In place of Spring Boot's own, which steps aside for any other ErrorController. */
    ErrorDispatch(ErrorAttributes attributes, WebProperties web, ObjectProvider<ErrorViewResolver> resolvers) {
        super(attributes, web.getError(), resolvers.orderedStream().toList());
    }

    @Override
    public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        HttpStatus status = getStatus(request);
        if (status == HttpStatus.NO_CONTENT) { // as Spring Boot's own: a 204 has no body
            return new ResponseEntity<>(status);
        }
        String uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String u ? u : request.getRequestURI();
        return ResponseEntity.status(status).contentType(MediaType.parseMediaType(ContainerErrors.contentType(uri)))
                .body(ContainerErrors.body(status.value(), detail(request), uri));
    }

    /**
     * What went wrong in words a client can act on, where the container said (Tomcat puts the exception of a failed
     * body read here): the end of the stream before Content-Length, or a read that timed out. Otherwise the status's
     * reason phrase; the exception's own message is the container's and says nothing to a client.
     */
    private static String detail(HttpServletRequest request) {
        Object error = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        for (Throwable cause = error instanceof Throwable t ? t : null; cause != null; cause = cause.getCause()) {
            if (cause instanceof EOFException) {
                return CUT_SHORT;
            }
            if (cause instanceof SocketTimeoutException) {
                return TOO_SLOW;
            }
        }
        return null;
    }
}
