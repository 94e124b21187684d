package com.aicredits.shared;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** A moment as every screen shows it to a person: "4 Dec 2026, 09:30 UTC". */
public final class Moments {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private Moments() {
    }

    /** The moment in words; empty for none. */
    public static String shown(Instant at) {
        return at == null ? "" : SHOWN.format(at);
    }
}
