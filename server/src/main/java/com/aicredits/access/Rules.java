package com.aicredits.access;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Who may call what, for paths under {@code /tenants/{tenantId}}. The tenant comes first: a caller of
 * another tenant is told the resource does not exist ({@link NotVisible}, answered 404), exactly as for an
 * unknown id, and only then is the role or scope checked (403).
 */
final class Rules {

    private Rules() {
    }

    /** A denial that must look like absence: the caller belongs to another tenant. */
    static final class NotVisible extends AuthorizationDecision {
        NotVisible() {
            super(false);
        }
    }

    static AuthorizationManager<RequestAuthorizationContext> platformOnly() {
        return (authentication, context) -> caller(authentication)
                .map(caller -> (AuthorizationResult) new AuthorizationDecision(caller.isPlatform()))
                .orElse(new AuthorizationDecision(false));
    }

    /** Inside a tenant, for callers that pass {@code allowed} (the platform always does). */
    static AuthorizationManager<RequestAuthorizationContext> tenant(BiPredicate<Caller, RequestAuthorizationContext> allowed) {
        return (authentication, context) -> {
            var caller = caller(authentication);
            if (caller.isEmpty()) {
                return new AuthorizationDecision(false);
            }
            if (caller.get().isPlatform()) {
                return new AuthorizationDecision(true);
            }
            var tenant = uuid(context.getVariables().get("tenantId")).map(TenantId::new);
            if (tenant.isEmpty() || !caller.get().belongsTo(tenant.get())) {
                return new NotVisible();
            }
            return new AuthorizationDecision(allowed.test(caller.get(), context));
        };
    }

    static boolean admin(Caller caller, RequestAuthorizationContext context) {
        return caller.isAdmin();
    }

    /**
     * A person signed in as the tenant's Admin, not an admin key: the sign-in settings page issues SCIM tokens, which
     * the API leaves to the platform, so a key must not reach them through the page.
     */
    static boolean signedInAdmin(Caller caller, RequestAuthorizationContext context) {
        return caller.kind() == Caller.Kind.USER && caller.isAdmin();
    }

    /** Anyone signed in to the tenant (any role), or its admin and consume keys. */
    static boolean member(Caller caller, RequestAuthorizationContext context) {
        return caller.kind() != Caller.Kind.SCIM_KEY;
    }

    /**
     * The SCIM endpoints: only a scim key, whose tenant is the one every SCIM call acts on (the path names no
     * tenant, so no other tenant can be reached). Not even the platform: it has no tenant to act on.
     */
    static AuthorizationManager<RequestAuthorizationContext> scimDirectory() {
        return (authentication, context) -> caller(authentication)
                .map(caller -> (AuthorizationResult) new AuthorizationDecision(caller.kind() == Caller.Kind.SCIM_KEY))
                .orElse(new AuthorizationDecision(false));
    }

    /** A person signed in to the tenant (any role): notifications are a person's own. */
    static boolean person(Caller caller, RequestAuthorizationContext context) {
        return caller.kind() == Caller.Kind.USER;
    }

    /**
     * Filing a credit request: a person for themselves, an admin or a consume key for a user they name (the
     * controller requires the name).
     */
    static boolean requester(Caller caller, RequestAuthorizationContext context) {
        return caller.kind() == Caller.Kind.USER || caller.kind() == Caller.Kind.ADMIN_KEY
                || caller.kind() == Caller.Kind.CONSUME_KEY;
    }

    /** A user's own records (the user's session), or any user's for an admin. */
    static boolean selfOrAdmin(Caller caller, RequestAuthorizationContext context) {
        if (caller.isAdmin()) {
            return true;
        }
        var user = uuid(context.getVariables().get("userId")).map(UserId::new);
        return caller.kind() == Caller.Kind.USER && user.isPresent() && user.get().equals(caller.userId());
    }

    static boolean consumer(Caller caller, RequestAuthorizationContext context) {
        return caller.kind() == Caller.Kind.CONSUME_KEY;
    }

    /** Admins and consume keys read any balance of their tenant; a signed-in user reads their own. */
    static boolean balanceReader(Caller caller, RequestAuthorizationContext context) {
        if (caller.isAdmin() || caller.kind() == Caller.Kind.CONSUME_KEY) {
            return true;
        }
        var user = uuid(context.getVariables().get("userId")).map(UserId::new);
        return caller.kind() == Caller.Kind.USER && user.isPresent() && user.get().equals(caller.userId());
    }

    /**
     * Usage and forecast: admins read the whole tenant; a signed-in user reads their own figures only, so the query
     * must name them ({@code userId} = themselves).
     */
    static boolean usageReader(Caller caller, RequestAuthorizationContext context) {
        if (caller.isAdmin()) {
            return true;
        }
        java.util.Optional<UserId> user;
        try {
            user = uuid(context.getRequest().getParameter("userId")).map(UserId::new);
        } catch (org.apache.tomcat.util.http.InvalidParameterException undecodable) {
            // A query string that is not UTF-8 (%FF) names nobody: refused here like any other stranger's query,
            // rather than escaping the filter chain as the container's own error page.
            user = java.util.Optional.empty();
        }
        return caller.kind() == Caller.Kind.USER && user.isPresent() && user.get().equals(caller.userId());
    }

    private static java.util.Optional<Caller> caller(Supplier<? extends Authentication> authentication) {
        var auth = authentication.get();
        return auth != null && auth.isAuthenticated() && auth.getPrincipal() instanceof Caller caller
                ? java.util.Optional.of(caller)
                : java.util.Optional.empty();
    }

    private static java.util.Optional<java.util.UUID> uuid(String text) {
        try {
            return text == null ? java.util.Optional.empty() : java.util.Optional.of(java.util.UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
