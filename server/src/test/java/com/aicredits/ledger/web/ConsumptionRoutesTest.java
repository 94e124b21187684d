package com.aicredits.ledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The consumption endpoints are found by their own mapping, asked before the application's, and it finds for each
 * the handler the application's mapping finds; it finds nothing for any other path, which the application's then
 * serves as before.
 */
@TestApplication
class ConsumptionRoutesTest {

    private static final String TENANT = "/api/v1/tenants/" + UUID.randomUUID();

    @Autowired ConsumptionRoutes routes;
    @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping application;
    @Autowired ApplicationContext context;

    @ParameterizedTest
    @CsvSource({
            "GET, /users/0b6c1c9e-4c61-4a57-9a39-5d3c0b0e2f11/balance, balance",
            "POST, /consumption/authorize, authorize",
            "POST, /consumption/req-1/settle, settle",
            "POST, /consumption/req-1/void, voidRequest",
            "POST, /consumption/charge, charge",
            "POST, /consumption/charges, charges",
            "GET, /consumption/req-1, request",
    })
    void each_consumption_call_is_found_first_by_its_own_mapping_with_the_applications_handler(
            String method, String path, String expectedMethod) throws Exception {
        var request = new MockHttpServletRequest(method, TENANT + path);
        var found = (HandlerMethod) routes.getHandler(request).getHandler();
        var fromApplication = (HandlerMethod) application.getHandler(new MockHttpServletRequest(method, TENANT + path))
                .getHandler();

        assertThat(found.getMethod()).isEqualTo(fromApplication.getMethod());
        assertThat(found.getMethod().getName()).isEqualTo(expectedMethod);
        assertThat(request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE).toString())
                .contains(TENANT.substring(TENANT.lastIndexOf('/') + 1));
    }

    @Test
    void any_other_path_is_left_to_the_applications_mapping_which_is_asked_after() throws Exception {
        for (String path : new String[] {"/credits/users", "/consumption", "/users", "/purchases"}) {
            assertThat(routes.getHandler(new MockHttpServletRequest("GET", TENANT + path))).as(path).isNull();
        }
        assertThat(routes.getHandler(new MockHttpServletRequest("POST", TENANT + "/credits/assign"))).isNull();
        assertThat(application.getHandler(new MockHttpServletRequest("GET", TENANT + "/credits/users"))).isNotNull();

        // What the dispatcher asks, in its order (it collects every HandlerMapping bean, sorted by order, when it
        // starts, which is at the first request).
        var mappings = new ArrayList<>(context.getBeansOfType(HandlerMapping.class).values());
        AnnotationAwareOrderComparator.sort(mappings);
        assertThat(mappings).contains(routes, application);
        assertThat(mappings.indexOf(routes)).isLessThan(mappings.indexOf(application));
    }
}
