package com.aicredits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Issue 17, findings 5 and 7, as configured for production (the tests run on plain http and so relax the
 * cookie in application-test.yml): the session cookie is __Host- prefixed and Secure, redirects stay relative,
 * and forwarded headers are believed only from internal proxies. No CSRF cookie is configured at all: the
 * token lives in the session.
 */
class SessionCookieSettingsTest {

    @Test
    void the_production_settings_harden_the_session_cookie_and_redirects() throws IOException {
        PropertySource<?> settings = new YamlPropertySourceLoader()
                .load("application", new ClassPathResource("application.yml")).getFirst();
        assertThat(settings.getProperty("server.servlet.session.cookie.name")).isEqualTo("__Host-SESSION");
        assertThat(settings.getProperty("server.servlet.session.cookie.secure")).isEqualTo(true);
        assertThat(settings.getProperty("server.servlet.session.cookie.http-only")).isEqualTo(true);
        assertThat(settings.getProperty("server.tomcat.use-relative-redirects")).isEqualTo(true);
        assertThat(settings.getProperty("server.forward-headers-strategy")).isEqualTo("native");
        assertThat(settings.getProperty("spring.session.jdbc.initialize-schema")).isEqualTo("never");
    }
}
