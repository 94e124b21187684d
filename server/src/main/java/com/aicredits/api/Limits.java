package com.aicredits.api;

/** Limits every endpoint enforces, named once so the OpenAPI text and the checks agree. */
public final class Limits {

    /** Request bodies are small JSON objects; anything larger is refused with 413 before it is read. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    public static final int MAX_PAGE_SIZE = 200;
    public static final int DEFAULT_PAGE_SIZE = 50;

    private Limits() {
    }
}
