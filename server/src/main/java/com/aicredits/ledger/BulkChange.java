package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Many assigns, adds or removes as one all-or-nothing change (SPEC part two, "Bulk changes"). Each item names
 * its user by id or by e-mail; its note, when given, replaces the bulk's note on that row's ledger entry. A dry
 * run runs the same statements and always rolls back.
 */
public record BulkChange(Operation operation, List<Item> items, String note, boolean dryRun) {

    public BulkChange {
        items = List.copyOf(items);
    }

    /** The three allocation changes a bulk may make, each the single operation of the same name. */
    public enum Operation {
        ASSIGN(EntryType.ASSIGN), ADD(EntryType.ADD), REMOVE(EntryType.REMOVE);

        final EntryType entryType;

        Operation(EntryType entryType) {
            this.entryType = entryType;
        }

        /** "assign", "add" or "remove", as the API spells them; any case. */
        public static Optional<Operation> parse(String text) {
            if (text == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(valueOf(text.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code userId} or {@code email} (both: they must name the same user); {@code note} may be null. */
    public record Item(UserId userId, String email, Credits credits, String note) {
    }
}
