package com.aicredits.directory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 17, findings 2 and 4: at least 12 characters, at most bcrypt's 72 bytes, and not a common password. */
class PasswordPolicyTest {

    @Test
    void the_demo_and_test_passwords_pass() {
        assertThat(PasswordPolicy.refusal("demo-credits")).isEmpty();
        assertThat(PasswordPolicy.refusal("correct horse battery")).isEmpty();
        assertThat(PasswordPolicy.refusal("browser-password")).isEmpty();
        assertThat(PasswordPolicy.refusal("canvas-browser-pw")).isEmpty();
        assertThat(PasswordPolicy.refusal("users-tab-pw")).isEmpty();
    }

    @Test
    void a_password_under_twelve_characters_is_refused() {
        assertThat(PasswordPolicy.refusal("k7#mQ2!vX9z")).contains("password has at least 12 characters");
        // Counted in characters, not UTF-16 units: 11 emoji are 11 characters.
        assertThat(PasswordPolicy.refusal("\uD83D\uDE00".repeat(11))).isPresent();
    }

    @Test
    void a_password_over_72_utf8_bytes_is_refused_even_when_it_has_few_characters() {
        assertThat(PasswordPolicy.refusal("p".repeat(72))).isEmpty();
        assertThat(PasswordPolicy.refusal("p".repeat(73))).contains("password has at most 72 bytes in UTF-8");
        assertThat(PasswordPolicy.refusal("\u00e9".repeat(37))).contains("password has at most 72 bytes in UTF-8");
    }

    @Test
    void common_passwords_are_refused_whatever_their_case() {
        assertThat(PasswordPolicy.refusal("password1234")).isPresent();
        assertThat(PasswordPolicy.refusal("QWERTYUIOP123")).isPresent();
        assertThat(PasswordPolicy.refusal("123456789012")).isPresent();
        assertThat(PasswordPolicy.refusal("iloveyou2024")).isPresent();
    }
}
