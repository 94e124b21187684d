package com.aicredits.provisioning;

import com.aicredits.directory.Directory;
import com.aicredits.directory.NewUser;
import com.aicredits.directory.Role;
import com.aicredits.directory.Source;
import com.aicredits.shared.TenantId;
import com.aicredits.directory.User;
import com.aicredits.directory.UserChange;
import com.aicredits.shared.UserId;
import com.aicredits.shared.Outcome;
import com.aicredits.provisioning.ScimOutcome.Deactivated;
import com.aicredits.provisioning.ScimOutcome.Listed;
import com.aicredits.provisioning.ScimOutcome.One;
import com.aicredits.provisioning.ScimOutcome.Refused;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.UserResource;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SCIM 2.0 provisioning of one tenant's users: the customer's directory creates, finds, replaces, patches and
 * deactivates them. Every change goes through the {@link Directory} facade (register, change), so whatever
 * listens to the directory (ending sessions, reclaiming a deactivated user's credits, role defaults) applies
 * to provisioned users exactly as to users an admin enters. Users are never deleted: DELETE deactivates.
 */
@Service
public class Provisioning {

    /** A page holds at most this many users, whatever count asks for (RFC 7644 lets the service cap it). */
    public static final int PAGE_MAX = 200;
    public static final int PAGE_DEFAULT = 100;

    private final Directory directory;

    Provisioning(Directory directory) {
        this.directory = directory;
    }

    /** A page of users matching an RFC 7644 filter; startIndex is 1-based, values below 1 count as 1. */
    public ScimOutcome list(TenantId tenant, String filter, Integer startIndex, Integer count, String usersUrl) {
        try {
            var people = ScimFilters.parse(filter);
            int start = startIndex == null || startIndex < 1 ? 1 : startIndex;
            int size = count == null ? PAGE_DEFAULT : Math.clamp(count, 0, PAGE_MAX);
            var page = directory.find(tenant, people, start - 1, size);
            var resources = page.users().stream().map(user -> ScimUsers.resource(user, location(usersUrl, user))).toList();
            return new Listed(new ListResponse<>((int) Math.min(Integer.MAX_VALUE, page.total()), resources, start,
                    resources.size()));
        } catch (BadRequestException e) {
            return refused(e);
        }
    }

    public ScimOutcome get(TenantId tenant, String id, String usersUrl) {
        return user(tenant, id).<ScimOutcome>map(user -> new One(ScimUsers.resource(user, location(usersUrl, user)), false))
                .orElseGet(() -> notFound(id));
    }

    @Transactional
    public ScimOutcome create(TenantId tenant, byte[] body, String usersUrl) {
        var read = readResource(body);
        if (read instanceof Parsed.Bad bad) {
            return bad.refused();
        }
        var desired = ((Parsed.Ok) read).desired();
        if (desired.email() == null || desired.email().isBlank()) {
            return new Refused(400, BadRequestException.INVALID_VALUE, "userName (the user's e-mail) is required");
        }
        // A directory user with no role gets the least one; the customer's directory grants more through roles.
        Role role = desired.role() == null ? Role.Viewer : desired.role();
        String name = desired.name() == null ? desired.email() : desired.name();
        var registered = directory.register(tenant, new NewUser(name, desired.email(), role, desired.externalId(), null,
                Source.SCIM));
        if (!(registered instanceof Outcome.Done<User>(var done))) {
            return refusal((com.aicredits.shared.Refused<User>) registered);
        }
        User user = done;
        if (Boolean.FALSE.equals(desired.active())) {
            var deactivated = directory.change(tenant, user.id(), new UserChange(null, null, false));
            if (!(deactivated instanceof Outcome.Done<User>(var changed))) {
                return refusal((com.aicredits.shared.Refused<User>) deactivated);
            }
            user = changed;
        }
        return new One(ScimUsers.resource(user, location(usersUrl, user)), true);
    }

    /**
     * PUT: the resource replaces the user's fields; what it leaves out (roles, active) stays as it is. Like PATCH,
     * read and written under the user's row lock: two requests for one user apply one after the other.
     */
    @Transactional
    public ScimOutcome replace(TenantId tenant, String id, byte[] body, String usersUrl) {
        var current = lockedUser(tenant, id);
        if (current.isEmpty()) {
            return notFound(id);
        }
        var read = readResource(body);
        if (read instanceof Parsed.Bad bad) {
            return bad.refused();
        }
        var desired = ((Parsed.Ok) read).desired();
        if (desired.email() == null || desired.email().isBlank()) {
            return new Refused(400, BadRequestException.INVALID_VALUE, "userName (the user's e-mail) is required");
        }
        return change(tenant, current.get(), desired, usersUrl);
    }

    /**
     * PATCH: the operations apply to the user as it is now, read under its row lock, so two PATCHes of one user
     * (Entra ID sends the name and the roles separately, sometimes at once) never lose each other's changes.
     */
    @Transactional
    public ScimOutcome patch(TenantId tenant, String id, byte[] body, String usersUrl) {
        var current = lockedUser(tenant, id);
        if (current.isEmpty()) {
            return notFound(id);
        }
        var patch = ScimBodies.read(body);
        if (patch.isEmpty()) {
            return new Refused(400, BadRequestException.INVALID_SYNTAX, "the body is not one JSON PatchOp request");
        }
        ObjectNode before = ScimUsers.patchable(current.get(), location(usersUrl, current.get()));
        ObjectNode after;
        try {
            after = ScimPatches.apply(before, patch.get());
        } catch (ScimException e) {
            return refused(e);
        }
        var mutated = ScimUsers.mutated(before, after);
        if (mutated.isPresent()) {
            return new Refused(400, BadRequestException.MUTABILITY, mutated.get());
        }
        return switch (DesiredUser.read(after, before)) {
            case DesiredUser.Read.Invalid invalid -> new Refused(400, BadRequestException.INVALID_VALUE, invalid.detail());
            case DesiredUser.Read.Valid valid -> change(tenant, current.get(), valid.desired(), usersUrl);
        };
    }

    /** DELETE: users are never deleted; the customer's directory removing someone deactivates them. */
    public ScimOutcome deactivate(TenantId tenant, String id) {
        var current = user(tenant, id);
        if (current.isEmpty()) {
            return notFound(id);
        }
        var result = directory.change(tenant, current.get().id(), new UserChange(null, null, false));
        return result instanceof com.aicredits.shared.Refused<User> refused ? refusal(refused) : new Deactivated();
    }

    private ScimOutcome change(TenantId tenant, User current, DesiredUser desired, String usersUrl) {
        var result = directory.change(tenant, current.id(), new UserChange(desired.name(), desired.role(), desired.active(),
                desired.email(), desired.externalId()));
        return switch (result) {
            case Outcome.Done<User>(var user) -> new One(ScimUsers.resource(user, location(usersUrl, user)), false);
            case com.aicredits.shared.Refused<User> refused -> refusal(refused);
        };
    }

    /** A POST or PUT body read as a User resource: the fields it asks for, or why not. */
    private sealed interface Parsed {
        record Ok(DesiredUser desired) implements Parsed {
        }

        record Bad(Refused refused) implements Parsed {
        }
    }

    private static Parsed readResource(byte[] body) {
        JsonNode node = ScimBodies.read(body).orElse(null);
        if (node == null || !node.isObject()) {
            return new Parsed.Bad(new Refused(400, BadRequestException.INVALID_SYNTAX,
                    "the body is a SCIM User resource (a JSON object)"));
        }
        return switch (DesiredUser.read((ObjectNode) node, null)) {
            case DesiredUser.Read.Invalid invalid -> new Parsed.Bad(new Refused(400, BadRequestException.INVALID_VALUE, invalid.detail()));
            case DesiredUser.Read.Valid valid -> new Parsed.Ok(valid.desired());
        };
    }

    private Optional<User> user(TenantId tenant, String id) {
        try {
            return directory.user(tenant, new UserId(UUID.fromString(id)));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    private Optional<User> lockedUser(TenantId tenant, String id) {
        try {
            return directory.lockForChange(tenant, new UserId(UUID.fromString(id)));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    private static URI location(String usersUrl, User user) {
        return URI.create(usersUrl + "/" + user.id());
    }

    private static Refused notFound(String id) {
        return new Refused(404, null, "no user " + id + " in this tenant");
    }

    private static Refused refused(ScimException e) {
        var error = e.getScimError();
        return new Refused(error.getStatus() == null ? 400 : error.getStatus(), error.getScimType(), error.getDetail());
    }

    /** The directory's refusal in SCIM's words (RFC 7644 §3.12). */
    private static Refused refusal(com.aicredits.shared.Refused<User> refused) {
        return switch (refused.reason()) {
            case NOT_FOUND -> new Refused(404, null, refused.message());
            case EMAIL_TAKEN -> new Refused(409, BadRequestException.UNIQUENESS, refused.message());
            // The directory names the e-mail; the client sent it as userName.
            default -> new Refused(400, BadRequestException.INVALID_VALUE, "email".equals(refused.field())
                    ? refused.message().replaceFirst("^email", "userName (the user's e-mail)") : refused.message());
        };
    }
}
