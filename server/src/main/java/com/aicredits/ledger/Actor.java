package com.aicredits.ledger;

import java.util.Objects;

/**
 * Who made a change, as the audit trail shows it: "platform", a signed-in person's e-mail ("ada@example.com"),
 * "key:canvas-prod".
 */
public record Actor(String name) {

    public static final Actor SYSTEM = new Actor("system");

    public Actor {
        Objects.requireNonNull(name, "actor");
        if (name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("an actor name has 1 to 200 characters");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
