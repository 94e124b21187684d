package com.aicredits.ledger.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Finds the AI features' calls (the consumption endpoints) among themselves, before the application's other
 * mappings (issue 16).
 *
 * <p>Every API path has a variable ({@code /tenants/{tenantId}/…}), so Spring MVC cannot look one up by its path: it
 * tests the application's mappings one by one, about 130 of them, on every request. That lookup was on 11 % of the
 * request threads' samples in session 11's profile of the charge load (BENCHMARKS.md). This mapping holds only the
 * consumption controllers and is asked first; any other request leaves it after a handful of tests and is found by
 * the application's mapping as before. The controllers stay in that one too: it never answers their paths, and the
 * OpenAPI document, which is built from it, stays as it was. Not a bean of the mapping's own type for the same
 * reason: readers of "the" request mapping (springdoc) find only the application's.
 */
@Component
final class ConsumptionRoutes implements HandlerMapping, Ordered, ApplicationContextAware, InitializingBean {

    private final RequestMappingHandlerMapping routes = new RequestMappingHandlerMapping() {
        @Override
        protected boolean isHandler(Class<?> beanType) {
            Class<?> type = ClassUtils.getUserClass(beanType);
            return type == ConsumptionController.class || type == ChargeBatchController.class;
        }
    };

    @Override
    public void setApplicationContext(ApplicationContext context) {
        routes.setApplicationContext(context);
    }

    @Override
    public void afterPropertiesSet() {
        routes.afterPropertiesSet();
    }

    @Override
    public HandlerExecutionChain getHandler(HttpServletRequest request) throws Exception {
        return routes.getHandler(request);
    }

    @Override
    public boolean usesPathPatterns() {
        return routes.usesPathPatterns();
    }

    /** Before the application's request mapping (order 0), after the actuator's. */
    @Override
    public int getOrder() {
        return -1;
    }
}
