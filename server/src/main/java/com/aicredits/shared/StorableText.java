package com.aicredits.shared;

import java.util.Optional;

/**
 * Text PostgreSQL stores exactly as it was sent. Two things valid in JSON are not: U+0000, which PostgreSQL's text
 * cannot hold (no name, note, email or password needs one), and a lone UTF-16 surrogate ({@code "\ud800x"}, no
 * character), which the driver stores as "?", so that two different values became one (a probe on December 5: two
 * request ids became one and the second charge answered the first's outcome; over SCIM, two external ids).
 */
public final class StorableText {

    private StorableText() {
    }

    /** Why {@code text} cannot be stored as sent, as a rule that follows the field's name; empty when it can. */
    public static Optional<String> unstorable(String text) {
        if (text == null) {
            return Optional.empty();
        }
        if (text.indexOf('\0') >= 0) {
            return Optional.of("must not contain the NUL character (U+0000)");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("must be well-formed Unicode (a lone UTF-16 surrogate is no character)");
            }
        }
        return Optional.empty();
    }
}
