package com.aicredits.directory;

import java.util.Arrays;
import java.util.Optional;

/** A tenant user's role, spelled as the screens and the API show it. */
public enum Role {
    Admin, Planner, Viewer;

    public static Optional<Role> parse(String text) {
        return Arrays.stream(values()).filter(role -> role.name().equalsIgnoreCase(text)).findFirst();
    }
}
