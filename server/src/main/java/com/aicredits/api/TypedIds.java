package com.aicredits.api;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.util.UUID;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Ids in paths reach every handler typed ({@code @PathVariable TenantId tenantId}): converted here, once, so no
 * handler builds one from a raw UUID. A malformed id fails conversion like a malformed UUID did (404 for a
 * path, see {@link ApiErrors}); the served OpenAPI shows them as the UUIDs they are on the wire.
 */
@Configuration(proxyBeanMethods = false)
class TypedIds implements WebMvcConfigurer {

    static {
        SpringDocUtils.getConfig().replaceWithClass(TenantId.class, UUID.class).replaceWithClass(UserId.class, UUID.class);
    }

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, TenantId.class, TenantId::of);
        registry.addConverter(String.class, UserId.class, UserId::of);
    }
}
