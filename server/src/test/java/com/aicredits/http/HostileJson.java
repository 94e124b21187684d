package com.aicredits.http;

import static com.aicredits.RandomChoices.w;

import com.aicredits.RandomChoices;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Random JSON and hostile text for {@link AttackGenerator}, and the few helpers that write them. */
final class HostileJson {

    private static final String URL_SPECIALS = "-_. /\\%;:@{}[]\"'<>&?#";

    private final RandomChoices random;

    HostileJson(RandomChoices random) {
        this.random = random;
    }

    /** Any JSON value, nested up to three levels: unicode (NUL, lone surrogates, right-to-left), huge numbers, nulls. */
    String value() {
        return value(random.between(0, 3));
    }

    private String value(int depth) {
        if (depth == 0) {
            return leaf();
        }
        if (random.chance(0.5)) {
            return "[" + String.join(",", random.listOf(0, 4, () -> value(depth - 1))) + "]";
        }
        return "{" + String.join(",", random.listOf(0, 4, () -> json(unicode(0, 12)) + ":" + value(depth - 1))) + "}";
    }

    private String leaf() {
        return random.weighted(
                w(1, () -> random.oneOf("null", "true", "false")),
                w(2, () -> String.valueOf(random.anyLong())),
                w(2, () -> random.oneOf("0", "-0", "0.0", "1e400", "-1e400", "1e-400", "1E+2", "0.0001",
                        "123456789012345678901234567890", "1000000000.001", "4.9e-324", "1.7976931348623157e308",
                        "9".repeat(500))),
                w(2, () -> BigDecimal.valueOf(random.anyLong(), 6).toPlainString()),
                w(4, () -> json(unicode(0, 40))),
                w(1, () -> json(random.oneOf("", "\u0000", "\u202E", "\uD800", "\uDFFF", "\uFEFF", "e\u0301",
                        "\uD83D\uDE00", "\\", "\"", "</script><script>alert(1)</script>", "' OR 1=1 --",
                        "${jndi:ldap://x/a}", "\r\n", "%00", "\u216B", "\u0085", "\u2028"))));
    }

    /** Any characters: all of UTF-16 (control characters, lone surrogates) half of the time. */
    String unicode(int min, int max) {
        return random.chance(0.5) ? random.anyChars(min, max)
                : random.string(min, max, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + URL_SPECIALS);
    }

    // ------------------------------------------------------------------ text

    /** A JSON string literal; control characters and lone surrogates as escapes, so the text itself is UTF-8. */
    static String json(String text) {
        var out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pairedHigh) {
                out.append(c).append(text.charAt(++i));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static String object(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> json(e.getKey()) + ": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String abbreviate(String text) {
        return text == null ? "null"
                : text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }
}
