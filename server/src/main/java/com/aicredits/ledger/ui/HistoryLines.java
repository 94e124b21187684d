package com.aicredits.ledger.ui;

import com.aicredits.ledger.Entry;
import com.aicredits.ledger.EntryType;
import com.aicredits.shared.Credits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's history as people read it: each line says what happened to their credits with a signed amount (+250,
 * −188.625), and an AI request's authorize and its settle (or void, or expiry) are one line with the hold and the
 * final cost. The ledger stays two entries; only the reading is folded.
 */
final class HistoryLines {

    private HistoryLines() {
    }

    /**
     * {@code what}: the line's title; {@code change}: of the user's remaining (zero when only a hold moved);
     * {@code remaining}: after the line, null for an entry without one; {@code held}: the request's hold, null for
     * none; {@code requestId}: shown behind the line's detail toggle. The figures stay numbers for the export; the
     * screen reads them through the methods below.
     */
    public record Line(Instant at, String what, Credits change, Credits remaining, Credits held, String by, String note,
            String feature, String requestId, String reference) {

        /** The signed change as the screen shows it: +250, −188.625, or "" when only a hold moved. */
        public String amount() {
            return Display.change(change);
        }

        public boolean negative() {
            return change.isNegative();
        }

        /** With the same minus sign as the change beside it: −88.625. */
        public String remainingAfter() {
            return Display.signedFigure(remaining);
        }

        public String hold() {
            return Display.credits(held);
        }
    }

    /** Newest first, as the entries come; an AUTHORIZE whose end is in the same list is folded into that end's line. */
    static List<Line> of(List<Entry> newestFirst) {
        Map<String, Entry> holds = new HashMap<>();
        for (Entry e : newestFirst) {
            if (e.type() == EntryType.AUTHORIZE && e.requestId() != null) {
                holds.put(e.requestId(), e);
            }
        }
        var ended = new java.util.HashSet<String>();
        List<Line> lines = new ArrayList<>();
        for (Entry e : newestFirst) {
            if (e.requestId() != null && e.type() != EntryType.AUTHORIZE && e.type() != EntryType.CHARGE) {
                ended.add(e.requestId());
            }
        }
        for (Entry e : newestFirst) {
            if (e.type() == EntryType.AUTHORIZE && ended.contains(e.requestId())) {
                continue;
            }
            var hold = e.requestId() == null ? null : holds.get(e.requestId());
            lines.add(line(e, hold));
        }
        return lines;
    }

    private static Line line(Entry e, Entry hold) {
        Credits change = e.remainingBefore() == null || e.remainingAfter() == null ? Credits.ZERO
                : e.remainingAfter().minus(e.remainingBefore());
        Credits held = hold != null ? hold.credits() : e.type() == EntryType.AUTHORIZE ? e.credits() : null;
        return new Line(e.at(), what(e.type()), change, e.remainingAfter(), held, actor(e.actor()), e.note(), e.feature(),
                e.requestId(), e.reference());
    }

    /** A line's title by its entry's type; the type filter offers the same words. */
    static String what(EntryType type) {
        return switch (type) {
            case PURCHASE -> "Purchase";
            case ASSIGN -> "Assigned";
            case ADD -> "Added";
            case REMOVE -> "Removed";
            case END -> "Allocation ended";
            case ALLOWANCE -> "Allowance granted";
            case AUTHORIZE -> "AI request running";
            case SETTLE -> "AI request";
            case CHARGE -> "AI request (charged)";
            case VOID -> "AI request voided";
            case EXPIRE -> "AI request hold expired";
        };
    }

    /**
     * Who did it, in one style: "Admin: ada@…", "API key: billing", "Allowance", "Directory", "Canvas". Actors are
     * stored as "kind:name" or a single word.
     */
    static String actor(String stored) {
        if (stored == null || stored.isBlank()) {
            return "";
        }
        int colon = stored.indexOf(':');
        if (colon < 0 && stored.contains("@")) {
            return "Admin: " + stored;
        }
        String kind = colon < 0 ? stored : stored.substring(0, colon);
        String name = colon < 0 ? "" : stored.substring(colon + 1);
        String label = switch (kind) {
            case "key" -> "API key";
            case "user", "admin" -> "Admin";
            case "platform" -> "Platform";
            default -> Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
        };
        return name.isEmpty() ? label : label + ": " + name;
    }
}
