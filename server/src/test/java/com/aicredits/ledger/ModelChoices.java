package com.aicredits.ledger;

import static com.aicredits.RandomChoices.w;

import com.aicredits.RandomChoices;
import com.aicredits.settings.AllowanceMode;
import com.aicredits.settings.Period;
import com.aicredits.shared.Credits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The generated parts of a step: who, how much, which request, with which key and note. Amounts and
 * requests are symbolic ("unassigned+0.001", "the latest open request"), resolved against the model only
 * when the step runs: a sequence with steps dropped still makes sense, and still lands on the limits exactly
 * (the whole pool, the whole removable amount, one thousandth past it).
 */
final class ModelChoices {

    static final String CANVAS = "canvas";
    static final String SUMMARIZE = "summarize";

    /** An amount, either fixed or relative to a figure of the state when the step runs. */
    sealed interface Amount {
        record Exactly(Credits credits) implements Amount {
            @Override
            public String toString() {
                return credits.toString();
            }
        }

        record Relative(Figure figure, long offsetThousandths) implements Amount {
            @Override
            public String toString() {
                return figure.name().toLowerCase() + (offsetThousandths == 0 ? ""
                        : (offsetThousandths > 0 ? "+" : "") + new Credits(offsetThousandths));
            }
        }
    }

    /** UNASSIGNED: the tenant's pool; REMOVABLE, AVAILABLE: the user's; HELD: the request's hold. */
    enum Figure { UNASSIGNED, REMOVABLE, AVAILABLE, HELD }

    /** Which request id a step uses. */
    sealed interface Target {
        /** An id never used before in this tenant. */
        record Fresh() implements Target {
            @Override
            public String toString() {
                return "new";
            }
        }

        /** The {@code latest}-th most recent request id the tenant knows, whatever its state. */
        record Recent(int latest) implements Target {
            @Override
            public String toString() {
                return "recent#" + latest;
            }
        }

        /** The {@code latest}-th most recent request still holding credits (else any known one). */
        record Open(int latest) implements Target {
            @Override
            public String toString() {
                return "open#" + latest;
            }
        }

        /** The {@code latest}-th most recent request whose hold expired (else any known one): a late settle. */
        record Expired(int latest) implements Target {
            @Override
            public String toString() {
                return "expired#" + latest;
            }
        }

        /** An id the ledger never saw. */
        record Unknown() implements Target {
            @Override
            public String toString() {
                return "unknown";
            }
        }
    }

    enum AdminVariation { SAME, OTHER_AMOUNT, OTHER_NOTE, OTHER_USER, OTHER_KIND }

    enum RequestVariation { SAME, OTHER_AMOUNT, OTHER_USER, OTHER_FEATURE, OTHER_KIND }

    final RandomChoices random;
    private final int users;

    ModelChoices(RandomChoices random, int users) {
        this.random = random;
        this.users = users;
    }

    /** Users are named u0, u1, ...; "stranger" is a user id nobody registered. */
    String user() {
        // Skewed towards u0, so that one user gathers enough holds to reach the limit of open holds.
        var weights = new ArrayList<>(List.of(w(40, () -> "u0"), w(27, () -> "u1"), w(20, () -> "u2"),
                w(3, () -> "stranger")));
        if (users > 3) {
            weights.add(w(10, () -> "u3"));
        }
        return random.weighted(weights);
    }

    /**
     * Few keys, so that different calls sometimes collide on one (IDEMPOTENCY_KEY_REUSED); most calls have
     * none. Exact retries come from RetryAdminCall.
     */
    String key() {
        return random.weighted(w(3, () -> null), w(2, () -> "k" + random.between(0, 11)));
    }

    /** Blank notes are stored as none, and notes are stripped: retries compare them that way. */
    String note() {
        return random.oneOf(null, "", "welcome credits", "  welcome credits ", "project Phoenix");
    }

    String reference() {
        return random.weighted(w(9, () -> random.oneOf("PO-1", "PO-2", "PO-3")), w(1, () -> " "));
    }

    String feature() {
        return random.oneOf(CANVAS, SUMMARIZE);
    }

    Amount purchase() {
        return new Amount.Exactly(random.weighted(
                w(6, () -> Credits.of(random.between(20, 400))),
                w(3, () -> new Credits(random.between(1L, 100_000L))),
                w(1, () -> Credits.ZERO),
                w(1, () -> Credits.MAX_ENTERED.plus(new Credits(1)))));
    }

    /** One to four rows of one kind; a third of them dry runs. */
    ModelStep.Bulk bulk() {
        var kind = random.oneOf(EntryType.ASSIGN, EntryType.ADD, EntryType.REMOVE);
        int rows = random.between(1, 4);
        var users = new ArrayList<String>();
        var amounts = new ArrayList<Amount>();
        for (int i = 0; i < rows; i++) {
            users.add(user());
            amounts.add(kind == EntryType.REMOVE ? removal() : allocation());
        }
        return new ModelStep.Bulk(kind, users, amounts, note(), random.chance(1.0 / 3));
    }

    /** 2 to 6 charges; {@code sameAs} repeats an earlier item's request id, or is -1. */
    ModelStep.ChargeBatch chargeBatch() {
        var items = new ArrayList<ModelStep.Charge>();
        var sameAs = new ArrayList<Integer>();
        int size = random.between(2, 6);
        for (int i = 0; i < size; i++) {
            // one user several times, so items of one user apply in order and the last ones run out
            String user = i > 0 && random.chance(0.4) ? items.get(i - 1).user() : user();
            items.add(new ModelStep.Charge(random.chance(0.2) ? newRequest() : new Target.Fresh(), user, feature(),
                    chargeCost()));
            sameAs.add(i > 0 && random.chance(0.15) ? random.between(0, i - 1) : -1);
        }
        return new ModelStep.ChargeBatch(items, sameAs);
    }

    /** 2 to 6 authorizations (one user several times, too) or settlements, for one group commit round. */
    ModelStep.Gathered gathered() {
        boolean settle = random.chance(0.5);
        var items = new ArrayList<ModelStep>();
        var sameAs = new ArrayList<Integer>();
        String user = user();
        for (int i = 0, size = random.between(2, 6); i < size; i++) {
            user = i > 0 && random.chance(0.4) ? user : user();
            items.add(settle ? new ModelStep.Settle(finishing(), settleCost())
                    : new ModelStep.Authorize(newRequest(), user, feature(), estimate()));
            sameAs.add(i > 0 && random.chance(0.15) ? random.between(0, i - 1) : -1);
        }
        return new ModelStep.Gathered(items, sameAs);
    }

    ModelStep.SetAllowances setAllowances() {
        var users = new ArrayList<String>();
        for (int i = random.between(1, 4); i > 0; i--) {
            users.add(user());
        }
        return new ModelStep.SetAllowances(users, allocation(), random.oneOf(Period.values()),
                random.oneOf(AllowanceMode.values()), random.chance(1.0 / 3));
    }

    Amount allocation() {
        return random.weighted(w(7, this::smallAmount), w(3, () -> relative(Figure.UNASSIGNED, -1, 0, 1)));
    }

    Amount removal() {
        return random.weighted(w(6, this::smallAmount), w(4, () -> relative(Figure.REMOVABLE, 0, 0, 1, -1)));
    }

    /** Null: hold the feature's default. Mostly below the usual allocation, so several requests run at once. */
    Amount estimate() {
        return random.weighted(
                w(5, () -> null),
                w(4, () -> new Amount.Exactly(new Credits(random.between(1L, 3_000L)))),
                w(1, this::smallAmount),
                w(1, () -> new Amount.Exactly(Credits.ZERO)),
                w(1, () -> relative(Figure.AVAILABLE, 0, 1)));
    }

    Amount chargeCost() {
        return random.weighted(w(6, this::smallAmount), w(4, () -> relative(Figure.AVAILABLE, 0, 1, 2_500, -1)));
    }

    Amount settleCost() {
        return random.weighted(
                w(5, this::smallAmount),
                w(3, () -> relative(Figure.HELD, -1, 0, 1)),
                w(2, () -> relative(Figure.AVAILABLE, 0, 5_000)));
    }

    Target newRequest() {
        return random.weighted(w(8, Target.Fresh::new), w(2, () -> new Target.Recent(random.between(0, 5))));
    }

    /** The request a settle or a void finishes: mostly an open one, often an expired one (a late settle). */
    Target finishing() {
        return random.weighted(
                w(9, () -> new Target.Open(random.between(0, 3))),
                w(6, () -> new Target.Expired(random.between(0, 1))),
                w(5, () -> new Target.Recent(random.between(0, 8))),
                w(2, Target.Unknown::new));
    }

    AdminVariation adminVariation() {
        return random.weighted(w(4, () -> AdminVariation.SAME), w(1, () -> AdminVariation.OTHER_AMOUNT),
                w(1, () -> AdminVariation.OTHER_NOTE), w(1, () -> AdminVariation.OTHER_USER),
                w(1, () -> AdminVariation.OTHER_KIND));
    }

    RequestVariation requestVariation() {
        return random.weighted(w(4, () -> RequestVariation.SAME), w(1, () -> RequestVariation.OTHER_AMOUNT),
                w(1, () -> RequestVariation.OTHER_USER), w(1, () -> RequestVariation.OTHER_FEATURE),
                w(1, () -> RequestVariation.OTHER_KIND));
    }

    /** Mostly 0.001 to 50 credits with up to three decimals, so limits are hit often; sometimes 0 or more. */
    Credits small() {
        return random.weighted(
                w(6, () -> new Credits(random.between(1L, 50_000L))),
                w(3, () -> Credits.of(random.between(1, 20))),
                w(1, () -> Credits.ZERO),
                w(1, () -> Credits.of(random.between(51, 2_000))));
    }

    private Amount smallAmount() {
        return new Amount.Exactly(small());
    }

    private Amount relative(Figure figure, long... offsets) {
        return new Amount.Relative(figure, random.oneOf(Arrays.stream(offsets).boxed().toList()));
    }
}
