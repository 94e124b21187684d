package com.aicredits.ledger.ui;

import com.aicredits.ledger.AccountRow;
import com.aicredits.api.JsonText;
import com.aicredits.shared.Credits;

/**
 * The {@code HX-Trigger} value of a successful change: {@code credits-changed} for the live regions and
 * {@code credits-done} for the toast ("Added 25 credits to Grace Hopper", a link to her history) and the
 * highlight of her row. Non-ASCII is escaped as JSON \\u sequences: header values are ISO-8859-1 on the wire.
 */
final class Toast {

    private Toast() {
    }

    static String done(String action, Credits amount, AccountRow row, String base) {
        String name = row.name();
        String message = switch (action) {
            case "assign" -> "Assigned " + Display.credits(amount) + " credits to " + name + ".";
            case "add" -> "Added " + Display.credits(amount) + " credits to " + name + ".";
            default -> amount == null ? "Ended " + name + "'s allocation: they left the table."
                    : "Removed " + Display.credits(amount) + " credits from " + name + "."
                            + (row.active() ? "" : " The allocation ended: they left the table.");
        };
        return message(message, row.userId().toString(), base, name);
    }

    /** A toast with its own wording, for a change that is not one assign, add or remove (setting an allowance). */
    static String message(String message, String userId, String base, String name) {
        return "{\"credits-changed\":null,\"credits-done\":{\"message\":" + JsonText.quoted(message)
                + ",\"userId\":" + JsonText.quoted(userId)
                + ",\"history\":" + JsonText.quoted(base + "/credits/users/" + userId + "/history")
                + ",\"name\":" + JsonText.quoted(name) + "}}";
    }
}
