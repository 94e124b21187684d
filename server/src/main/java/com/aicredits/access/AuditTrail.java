package com.aicredits.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records, with actor, tenant and time, every API call that changed something and every one that was
 * refused (401, 403, 404, refused consumption). Successful consumption calls are left out: each one is
 * already an entry in the ledger, with its actor. Successful credit-request decisions are left out too: the
 * requests module records each one through {@link Audit} in its transaction, with what was decided, whether it
 * came through the API or the admin screen. Refusals by anonymous callers go to the nil tenant.
 */
class AuditTrail extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final UUID NO_TENANT = new UUID(0, 0);
    private static final Pattern TENANT_PATH = Pattern.compile("^/api/v1/tenants/([0-9a-fA-F-]{36})(/.*)?$");
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Pattern SELF_AUDITED = Pattern.compile("^/api/v1/tenants/[^/]+/credit-requests/[^/]+/(approve|decline)$");
    private static final Set<Integer> REFUSALS = Set.of(401, 402, 403, 404, 429);

    private final JdbcClient jdbc;
    private final Clock clock;

    AuditTrail(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // The customer's directory changes users too: its SCIM calls are recorded like the API's.
        return !request.getRequestURI().startsWith("/api/") && !ProblemWriter.isScim(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            record(request, response.getStatus());
        }
    }

    private void record(HttpServletRequest request, int status) {
        String path = request.getRequestURI();
        boolean mutation = !READS.contains(request.getMethod());
        boolean refused = REFUSALS.contains(status);
        boolean consumedOk = path.contains("/consumption/") && status < 300;
        if (status < 300 && SELF_AUDITED.matcher(path).matches()) {
            return;
        }
        // 503: the database is unreachable, so nothing changed and nothing could be recorded; trying would only
        // keep the caller waiting for a connection a second time.
        if (!(refused || (mutation && !consumedOk)) || status == 503) {
            return;
        }
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        Caller caller = authentication != null && authentication.getPrincipal() instanceof Caller c ? c : null;
        UUID tenant = caller != null && caller.tenantId() != null ? caller.tenantId().value() : pathTenant(path);
        try {
            jdbc.sql("insert into audit_events (tenant_id, actor, method, path, status, at) values (?, ?, ?, ?, ?, ?)")
                    .params(tenant, caller != null ? caller.name() : "anonymous", request.getMethod(),
                            path.length() > 500 ? path.substring(0, 500) : path, status,
                            clock.instant().atOffset(ZoneOffset.UTC))
                    .update();
        } catch (RuntimeException e) {
            log.warn("could not record audit event for {} {} ({}): {}", request.getMethod(), path, status, e.getMessage());
        }
    }

    private static UUID pathTenant(String path) {
        var matcher = TENANT_PATH.matcher(path);
        if (matcher.matches()) {
            try {
                return UUID.fromString(matcher.group(1));
            } catch (IllegalArgumentException e) {
                return NO_TENANT;
            }
        }
        return NO_TENANT;
    }
}
