package com.aicredits.ledger;

import com.aicredits.ledger.RequestState.Status;
import com.aicredits.shared.Credits;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.UserId;
import java.time.Instant;

/** What {@link LedgerModel} keeps and answers besides the ledger's own result types. */
final class ModelState {

    private ModelState() {
    }

    /** A refusal as the model can predict it: the reason and the figure, not the wording. */
    record Rejection(Refusal reason, Credits limit) {
        Rejection(Refusal reason) {
            this(reason, null);
        }
    }

    /** How many holds one expiry sweep released. */
    record Swept(int released) {
    }

    /** An account's stored figures, as the model keeps them and as they are read back. */
    record AccountFigures(long assigned, long consumed, long held, int openHolds, boolean active) {
    }

    /** A consumption request's stored figures, as the model keeps them and as they are read back. */
    record RequestFigures(UserId user, Status status, long held, Long cost, boolean inFlight) {
    }

    static final class Account {
        long assigned;
        /** What had been assigned when the allocation was last opened: the table shows what came after. */
        long assignedBeforeOpening;
        long consumed;
        long held;
        int openHolds;
        boolean active;

        long remaining() {
            return assigned - consumed;
        }

        long available() {
            return remaining() - held;
        }

        long removable() {
            return Math.max(0, available());
        }

        AccountFigures figures() {
            return new AccountFigures(assigned, consumed, held, openHolds, active);
        }
    }

    /** What an idempotency key was first used for. */
    static final class KeyUse {
        final EntryType kind;
        final UserId user;
        final long credits;
        final String note;
        final String reference;
        Purchase purchase;
        /** The row an allocation answered first: what a retry with the key answers again. */
        AccountRow answer;

        KeyUse(EntryType kind, UserId user, long credits, String note, String reference, Purchase purchase) {
            this.kind = kind;
            this.user = user;
            this.credits = credits;
            this.note = note;
            this.reference = reference;
            this.purchase = purchase;
        }
    }

    static final class Request {
        final UserId user;
        final String feature;
        final boolean charge;
        final long held;
        final Instant expiresAt;
        /** Until when an authorized request may be settled or voided, expired or not. */
        final Instant settleBy;
        /** Holds one of the user's in-flight slots: authorized, or expired before its settle deadline. */
        boolean inFlight;
        /** An authorization's first answer, which every retry must repeat. */
        Authorized answer;
        Status status;
        Long cost;
        long remainingAfter;

        Request(UserId user, String feature, boolean charge, long held, Authorized answer, Status status) {
            this.user = user;
            this.feature = feature;
            this.charge = charge;
            this.held = held;
            this.answer = answer;
            this.expiresAt = answer == null ? null : answer.expiresAt();
            this.settleBy = answer == null ? null : answer.expiresAt().minus(LedgerModel.HOLD_TTL).plus(LedgerModel.SETTLE_DEADLINE);
            this.inFlight = status == Status.AUTHORIZED;
            this.status = status;
        }

        RequestFigures figures() {
            return new RequestFigures(user, status, held, cost, inFlight);
        }
    }
}
