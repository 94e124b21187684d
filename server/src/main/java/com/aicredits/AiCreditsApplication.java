package com.aicredits;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The AI Credits service: one ledger per tenant for buying, handing out and spending AI credits. */
@SpringBootApplication
@EnableScheduling
public class AiCreditsApplication {

    public static void main(String[] args) {
        SpringApplication.run(AiCreditsApplication.class, args);
    }

    /** Injected everywhere time matters, so hold expiry can be tested without waiting. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
