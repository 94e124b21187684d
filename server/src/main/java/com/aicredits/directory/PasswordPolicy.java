package com.aicredits.directory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.io.ClassPathResource;

/**
 * What a new password must be (NIST SP 800-63B): long enough to resist guessing, not one of the passwords
 * every guessing list starts with, and short enough for bcrypt, which reads only the first 72 bytes and
 * refuses longer input outright (a 500 before this rule).
 */
final class PasswordPolicy {

    static final int LENGTH_MIN = 12;
    /** bcrypt's limit, in UTF-8 bytes: 72 ASCII characters, but only 24 characters of a CJK script. */
    static final int UTF8_BYTES_MAX = 72;

    private static final Set<String> COMMON = load("security/common-passwords.txt");

    private PasswordPolicy() {
    }

    /** Why this password is refused, or empty when it may be used. */
    static Optional<String> refusal(String password) {
        if (password.codePointCount(0, password.length()) < LENGTH_MIN) {
            return Optional.of("password has at least " + LENGTH_MIN + " characters");
        }
        if (!fitsBcrypt(password)) {
            return Optional.of("password has at most " + UTF8_BYTES_MAX + " bytes in UTF-8");
        }
        if (COMMON.contains(password.toLowerCase(Locale.ROOT))) {
            return Optional.of("password is on the list of commonly used passwords; choose another");
        }
        return Optional.empty();
    }

    static boolean fitsBcrypt(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length <= UTF8_BYTES_MAX;
    }

    private static Set<String> load(String resource) {
        try {
            return new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.toLowerCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException("the common-password list is part of the build", e);
        }
    }
}
