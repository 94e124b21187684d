package com.aicredits;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole application, serving HTTP on a random port, on its own embedded PostgreSQL, with a
 * {@link TestClock}. Contexts are cached, so test classes share one database: every test creates its own
 * tenant and never relies on rows it did not make.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@Import(TestApplication.Clock.class)
public @interface TestApplication {

    @TestConfiguration(proxyBeanMethods = false)
    class Clock {
        @Bean
        @Primary
        TestClock testClock() {
            return new TestClock();
        }
    }
}
