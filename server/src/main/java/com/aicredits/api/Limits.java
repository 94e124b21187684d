package com.aicredits.api;

/** Limits every endpoint enforces, named once so the OpenAPI text and the checks agree. */
public final class Limits {

    /**
     * Request bodies are small JSON objects; anything larger is refused with 413 before any of it is parsed or kept
     * (its bytes are read and thrown away, so the client receives the refusal: server.tomcat.max-swallow-size).
     */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /**
     * A bulk change (JSON or CSV, the API's or the screen's upload) may carry 10,000 rows with notes: about
     * 1 MB typically, 4 MiB leaves room for long notes and still refuses a 10 MB upload before parsing it.
     */
    public static final int MAX_BULK_BODY_BYTES = 4 * 1024 * 1024;
    /**
     * A batch of charges (API.md, "Batch consumption") carries up to 1,000 items of about 300 bytes at their
     * longest (a 128-character request id, a 64-character feature): 1 MiB leaves room for escaped characters.
     */
    public static final int MAX_BATCH_BODY_BYTES = 1024 * 1024;
    public static final int MAX_PAGE_SIZE = 200;
    public static final int DEFAULT_PAGE_SIZE = 50;

    /** The paths that take a bulk change's body: the API's two endpoints and the screen's preview and apply. */
    private static final java.util.regex.Pattern BULK_PATHS =
            java.util.regex.Pattern.compile("^/(api/v1|app)/tenants/[^/]+/credits/bulk(\\.csv)?(/[a-z-]+)?$");

    private static final java.util.regex.Pattern BATCH_PATHS =
            java.util.regex.Pattern.compile("^/api/v1/tenants/[^/]+/consumption/charges$");

    /** The body limit of a request to {@code path}. */
    public static int maxBodyBytes(String path) {
        // Asked on every request: the plain string tests first spare the consumption calls both regular expressions
        // (1 % of the request threads' CPU in BENCHMARKS.md's session 23 profile).
        if (path != null && path.endsWith("/consumption/charges") && BATCH_PATHS.matcher(path).matches()) {
            return MAX_BATCH_BODY_BYTES;
        }
        return path != null && path.contains("/credits/bulk") && BULK_PATHS.matcher(path).matches()
                ? MAX_BULK_BODY_BYTES : MAX_BODY_BYTES;
    }

    private Limits() {
    }
}
