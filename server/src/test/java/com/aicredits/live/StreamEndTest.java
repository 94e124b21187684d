package com.aicredits.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;

import com.aicredits.TestApplication;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.Filter;
import jakarta.servlet.RequestDispatcher;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * The end of a page's event stream is normal (the browser reconnects): the error handling writes no problem
 * document into it and logs no ERROR. Through the application's own dispatcher and exception handlers (MockMvc,
 * without the security filters, which these cases do not reach).
 */
@TestApplication
@ExtendWith(OutputCaptureExtension.class)
class StreamEndTest {

    private static final String STREAM_ERRORS = "com.aicredits.api.StreamErrors";

    @Autowired WebApplicationContext context;

    private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

    /** The stream's end is logged at DEBUG: shown here, to see which way it went. */
    @BeforeEach
    void showDebug() {
        logging.setLogLevel(STREAM_ERRORS, LogLevel.DEBUG);
    }

    @AfterEach
    void hideDebug() {
        logging.setLogLevel(STREAM_ERRORS, null);
    }

    @Test
    void a_stream_that_times_out_is_left_as_it_was_and_logs_no_error(CapturedOutput output) throws Exception {
        var mvc = MockMvcBuilders.webAppContextSetup(context).build();
        String live = "/app/tenants/" + UUID.randomUUID() + "/live";
        var started = mvc.perform(get(live).accept(MediaType.TEXT_EVENT_STREAM)).andExpect(request().asyncStarted()).andReturn();
        String sent = started.getResponse().getContentAsString();
        assertThat(sent).contains("connected");

        // aicredits.live.connection-timeout has passed: the container tells the request's listeners, as Tomcat does.
        var async = (MockAsyncContext) started.getRequest().getAsyncContext();
        for (var listener : async.getListeners()) {
            listener.onTimeout(new AsyncEvent(async));
        }
        var ended = mvc.perform(asyncDispatch(started)).andReturn();

        assertThat(ended.getResponse().getContentAsString()).isEqualTo(sent);
        assertThat(ended.getResponse().getStatus()).isEqualTo(200);
        assertNoErrorButTheEnd(output, "AsyncRequestTimeoutException");
    }

    /**
     * What the database going away looks like: the stream's session cannot be saved when the stream ends, and Tomcat
     * dispatches to /error with that exception, on the stream's response (begun, text/event-stream), into which
     * /error's JSON cannot be written.
     */
    @Test
    void the_error_dispatch_of_a_stream_whose_database_went_away_writes_nothing_and_logs_no_error(CapturedOutput output)
            throws Exception {
        Filter begunStream = (request, response, chain) -> {
            response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
            response.getWriter().write(":connected\n\n");
            response.flushBuffer();
            chain.doFilter(request, response);
        };
        var mvc = MockMvcBuilders.webAppContextSetup(context).addFilter(begunStream, "/error").build();
        var databaseGone = new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLException("Connection to localhost refused", "08001"));

        var ended = mvc.perform(get("/error").accept(MediaType.TEXT_EVENT_STREAM)
                .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 500)
                .requestAttr(RequestDispatcher.ERROR_EXCEPTION, databaseGone)
                .requestAttr(RequestDispatcher.ERROR_REQUEST_URI, "/app/tenants/" + UUID.randomUUID() + "/live")).andReturn();

        assertThat(ended.getResponse().getContentAsString()).isEqualTo(":connected\n\n");
        assertNoErrorButTheEnd(output, "CannotGetJdbcConnectionException");
    }

    private static void assertNoErrorButTheEnd(CapturedOutput output, String cause) {
        assertThat(output.getAll()).doesNotContain("unexpected error")
                .doesNotContain("Failure in @ExceptionHandler")
                .doesNotContain("HttpMessageNotWritableException")
                .contains("/live ended: ").contains(cause);
    }
}
