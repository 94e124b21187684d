package com.aicredits.directory;

/** A partial update of a user: null fields stay as they are. */
public record UserChange(String name, Role role, Boolean active) {
}
