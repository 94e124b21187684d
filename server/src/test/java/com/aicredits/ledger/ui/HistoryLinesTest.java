package com.aicredits.ledger.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.ledger.Entry;
import com.aicredits.ledger.EntryType;
import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The history as people read it: signed amounts, an AI request on one line, actors in one style. */
class HistoryLinesTest {

    static final UserId USER = new UserId(UUID.randomUUID());
    static final Instant AT = Instant.parse("2026-12-02T10:00:00Z");

    static Entry entry(long id, EntryType type, String credits, String before, String after, String actor, String request) {
        return new Entry(id, UUID.randomUUID(), type, USER, Credits.of(Long.parseLong(credits)),
                before == null ? null : new Credits(Long.parseLong(before)), after == null ? null : new Credits(Long.parseLong(after)),
                Credits.ZERO, null, null, null, actor, null, request == null ? null : "canvas", request, null, AT.plusSeconds(id));
    }

    @Test
    void amounts_are_signed_by_what_they_did_to_the_remaining_credits() {
        var lines = HistoryLines.of(List.of(
                entry(3, EntryType.REMOVE, "50", "250000", "200000", "admin:ada@acme.example", null),
                entry(1, EntryType.ASSIGN, "250", "0", "250000", "platform", null)));
        assertThat(lines).extracting(HistoryLines.Line::amount).containsExactly("\u221250", "+250");
        assertThat(lines.getFirst().negative()).isTrue();
        assertThat(lines).extracting(HistoryLines.Line::by).containsExactly("Admin: ada@acme.example", "Platform");
        assertThat(Display.change(new Credits(-188_625))).isEqualTo("\u2212188.625");
    }

    /** On a phone the remaining after sits right beside the amount: one minus sign for both, never a hyphen. */
    @Test
    void the_remaining_after_a_line_is_written_with_the_same_minus_sign_as_its_amount() {
        var lines = HistoryLines.of(List.of(entry(2, EntryType.CHARGE, "17", "12000", "-5000", "key:canvas", "r-3")));
        assertThat(lines.getFirst().amount()).isEqualTo("\u221217");
        assertThat(lines.getFirst().remainingAfter()).isEqualTo("\u22125");
    }

    @Test
    void an_ai_requests_authorize_and_settle_are_one_line_with_the_hold_and_the_cost() {
        var lines = HistoryLines.of(List.of(
                entry(7, EntryType.SETTLE, "2", "100000", "98000", "key:canvas", "r-1"),
                entry(6, EntryType.AUTHORIZE, "5", "100000", "100000", "key:canvas", "r-1"),
                entry(5, EntryType.AUTHORIZE, "3", "100000", "100000", "key:canvas", "r-2")));
        assertThat(lines).extracting(HistoryLines.Line::what).containsExactly("AI request", "AI request running");
        assertThat(lines.get(0).hold()).isEqualTo("5");
        assertThat(lines.get(0).amount()).isEqualTo("\u22122");
        assertThat(lines.get(0).by()).isEqualTo("API key: canvas");
        assertThat(lines.get(1).hold()).as("still running: its hold, no change yet").isEqualTo("3");
        assertThat(lines.get(1).amount()).isEmpty();
    }
}
