package com.aicredits.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * An exception on an answer already begun, above all a page's event stream (the live updates), cannot be answered
 * with a problem document: {@link ApiErrors} would log it and then fail to write JSON into the stream. For a stream
 * that is noise over its normal end: it times out, the service stops, or the database goes away and the session
 * cannot be saved as the stream ends (Tomcat then dispatches to {@code /error}, whose JSON cannot be written
 * either); the browser's EventSource reconnects by itself. So nothing is written. A stream's end, or a client gone,
 * is logged at DEBUG; any other answer cut short is an ERROR, with the exception, as its client got only part of it.
 */
@Component
class StreamErrors implements WebMvcConfigurer, HandlerExceptionResolver {

    private static final Logger log = LoggerFactory.getLogger(StreamErrors.class);

    /** Before the {@code @ExceptionHandler}s of {@link ApiErrors}, which would answer a problem document. */
    @Override
    public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
        resolvers.addFirst(this);
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception e) {
        if (!response.isCommitted()) {
            return null;
        }
        // In the error dispatch the exception here is /error's own failure to write; the cause is the original.
        Throwable cause = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t ? t : e;
        String uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String u ? u : request.getRequestURI();
        if (isEventStream(request, response) || DisconnectedClientHelper.isClientDisconnectedException(cause)) {
            log.debug("{} ended: {}", uri, cause.toString());
        } else {
            log.error("{} failed after its answer had begun; the client has what was written", uri, cause);
        }
        return new ModelAndView();
    }

    /**
     * The response says so; or the request asked for a stream, as an EventSource does (the dispatcher clears the
     * content type on its way to the exception handlers where the response lets it).
     */
    private static boolean isEventStream(HttpServletRequest request, HttpServletResponse response) {
        return names(response.getContentType(), MediaType.TEXT_EVENT_STREAM_VALUE)
                || names(request.getHeader(HttpHeaders.ACCEPT), MediaType.TEXT_EVENT_STREAM_VALUE);
    }

    private static boolean names(String header, String type) {
        return header != null && header.toLowerCase(Locale.ROOT).contains(type);
    }
}
