package com.aicredits.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route keeps its own request metrics. Micrometer keeps at most {@code max-uri-tags} values of the 'uri' tag of
 * {@code http_server_requests} and drops the meters of any route past them, unseen: the "any 5xx" alert of
 * docs/operations.md would not see that route fail. The service has more routes than Boot's default of 100 (the
 * test suite's log said "Reached the maximum number of 'uri' tags").
 */
@TestApplication
class RouteMetricsTest {

    /** Values of 'uri' besides the handlers' own routes: actuator, static resources, NOT_FOUND, REDIRECTION, UNKNOWN, root. */
    private static final int OTHER_URIS = 50;

    @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings;
    @Value("${management.metrics.web.server.max-uri-tags}") int maxUriTags;

    @Test
    void the_uri_tags_allowed_outnumber_the_routes() {
        Set<String> routes = new HashSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> routes.addAll(info.getPatternValues()));
        assertThat(routes.size()).as("the service's routes").isGreaterThan(100);
        assertThat(routes.size() + OTHER_URIS).as("routes and other uri values, within the cap").isLessThanOrEqualTo(maxUriTags);
    }
}
