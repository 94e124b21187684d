package com.aicredits.api;

/**
 * Text as a JSON string where no JSON library is at hand or wanted: an {@code HX-Trigger} header (ISO-8859-1 on
 * the wire, so everything beyond ASCII is written as a \\u escape).
 */
public final class JsonText {

    private JsonText() {
    }

    /** {@code text} quoted as a JSON string, in ASCII. */
    public static String quoted(String text) {
        var out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
