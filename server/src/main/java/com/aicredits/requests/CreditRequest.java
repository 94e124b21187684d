package com.aicredits.requests;

import com.aicredits.shared.Credits;
import com.aicredits.shared.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * A request for credits and, once decided, its decision. {@code granted}, {@code decidedBy} and
 * {@code decidedAt} are null while pending; {@code decisionNote} is the approval's note or the reason for
 * declining.
 */
public record CreditRequest(UUID id, UserId userId, String name, String email, Credits credits, String reason,
        Status status, String filedBy, Instant createdAt, Credits granted, String decisionNote, String decidedBy,
        Instant decidedAt) {

    public enum Status {
        PENDING, APPROVED, DECLINED;

        /** Empty for anything but the three names. */
        public static java.util.Optional<Status> parse(String text) {
            for (var s : values()) {
                if (s.name().equals(text)) {
                    return java.util.Optional.of(s);
                }
            }
            return java.util.Optional.empty();
        }
    }
}
