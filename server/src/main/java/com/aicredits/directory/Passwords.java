package com.aicredits.directory;

import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Passwords are stored as bcrypt hashes, tagged with their algorithm ({@code {bcrypt}…}) so a stronger one can
 * follow later. The work factor is bcrypt's default, 10 (about 80 ms a hash here); the test profile lowers it,
 * because the suite registers and signs in thousands of people and the hashes' cost is not what it tests. A hash
 * records its own factor, so hashes made with another one still match.
 */
@Configuration(proxyBeanMethods = false)
class Passwords {

    @Bean
    PasswordEncoder passwordEncoder(@Value("${aicredits.passwords.bcrypt-strength:10}") int strength) {
        return new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(strength)));
    }
}
