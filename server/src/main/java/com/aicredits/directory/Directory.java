package com.aicredits.directory;

import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The directory's one entry point: tenants and their users. */
@Service
public class Directory {

    static final int MAX_NAME = 200;
    static final int MAX_EMAIL = 320;
    static final int MAX_EXTERNAL_ID = 200;
    /**
     * Loose on the local part (one @, up to 64 characters, no spaces: providers accept far more than RFC 5321's
     * letter), strict on the domain, which mail must be routed to: dot-separated labels of 1 to 63 letters, digits or
     * hyphens, not starting or ending with a hyphen, at least two of them, 253 characters at most (RFC 1035).
     * Letters include any script and its combining marks, for internationalized domains (उदाहरण.भारत).
     */
    private static final Pattern EMAIL = Pattern.compile(
            "^[^@\\s]{1,64}@(?=.{1,253}$)(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}])?\\.)+"
                    + "[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}])?$");

    private final DirectoryStore store;
    private final SignOns signOns;
    private final ApplicationEventPublisher events;
    private final PasswordEncoder passwords;
    private final Clock clock;
    /** Checked when no user matches, so a wrong email takes as long as a wrong password. */
    private final String decoyHash;

    Directory(DirectoryStore store, SignOns signOns, ApplicationEventPublisher events, PasswordEncoder passwords,
            Clock clock) {
        this.store = store;
        this.signOns = signOns;
        this.events = events;
        this.passwords = passwords;
        this.clock = clock;
        this.decoyHash = passwords.encode("decoy-password-never-matches");
    }

    @Transactional
    public Tenant createTenant(String name) {
        return createTenant(TenantId.random(), name);
    }

    /** Creates a tenant with a chosen id (the demo tenant has a well-known one). */
    @Transactional
    public Tenant createTenant(TenantId id, String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME) {
            throw new IllegalArgumentException("a tenant name has 1 to " + MAX_NAME + " characters");
        }
        var tenant = new Tenant(id, trimmed, clock.instant().truncatedTo(ChronoUnit.MICROS));
        store.insert(tenant);
        events.publishEvent(new TenantCreated(id));
        return tenant;
    }

    public List<Tenant> tenants() {
        return store.tenants();
    }

    public Optional<Tenant> tenant(TenantId id) {
        return store.tenant(id);
    }

    @Transactional
    public Outcome<User> register(TenantId tenantId, NewUser newUser) {
        if (store.tenant(tenantId).isEmpty()) {
            return new Refused<>(Refusal.NOT_FOUND, "tenant not found");
        }
        var invalid = invalidName(newUser.name()).map(message -> invalid("name", message))
                .or(() -> invalidEmail(newUser.email()).map(message -> invalid("email", message)))
                .or(() -> newUser.role() == null
                        ? Optional.of(invalid("role", "role must be Admin, Planner or Viewer")) : Optional.empty())
                .or(() -> newUser.externalId() != null && newUser.externalId().length() > MAX_EXTERNAL_ID
                        ? Optional.of(invalid("externalId", "externalId has at most " + MAX_EXTERNAL_ID + " characters"))
                        : Optional.empty())
                .or(() -> newUser.password() == null ? Optional.empty()
                        : PasswordPolicy.refusal(newUser.password()).map(message -> invalid("password", message)));
        if (invalid.isPresent()) {
            return invalid.get();
        }
        var user = new User(UserId.random(), tenantId, newUser.name().strip(), newUser.email().strip(),
                newUser.role(), true, blankToNull(newUser.externalId()), clock.instant().truncatedTo(ChronoUnit.MICROS),
                newUser.source() == null ? Source.MANUAL : newUser.source());
        try {
            store.insert(user, newUser.password() == null ? null : passwords.encode(newUser.password()));
        } catch (DuplicateKeyException e) {
            return new Refused<>(Refusal.EMAIL_TAKEN, "a user with email " + user.email() + " already exists");
        }
        events.publishEvent(new UserRegistered(tenantId, user.id(), user.role()));
        events.publishEvent(new PeopleChanged(tenantId));
        return Outcome.done(user);
    }

    public List<User> users(TenantId tenantId) {
        return store.users(tenantId);
    }

    public Optional<User> user(TenantId tenantId, UserId userId) {
        return store.user(tenantId, userId);
    }

    public Optional<User> userByEmail(TenantId tenantId, String email) {
        return store.userByEmail(tenantId, email);
    }

    /**
     * What this email and password sign in as, in any tenant. Emails are unique per tenant, not globally: an email
     * held by active accounts in several tenants signs nobody in (the sign-in page asks for the tenant first).
     * Every attempt costs exactly one password hash, whatever the outcome, so the time taken tells nobody whether
     * the email exists, is deactivated, or is held in other tenants; only the right password of a deactivated
     * account learns that it is deactivated.
     */
    public PasswordCheck authenticate(String email, String password) {
        return email == null ? new PasswordCheck.Failed() : check(store.credentials(email.strip()), password);
    }

    /**
     * The user, locked until the caller's transaction ends, so a read-modify-write (a SCIM PATCH or PUT, computed
     * from the user as it is) cannot lose a change committed in between: the second waits and reads the first's result.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public Optional<User> lockForChange(TenantId tenantId, UserId userId) {
        return store.lockUser(tenantId, userId);
    }

    /** The same, inside one tenant the person chose on the sign-in page (their e-mail is held in several). */
    public PasswordCheck authenticate(TenantId tenant, String email, String password) {
        return email == null ? new PasswordCheck.Failed() : check(store.credentials(email.strip()).stream()
                .filter(c -> c.user().tenantId().equals(tenant)).toList(), password);
    }

    /** The one account the password is checked against: the single active one, else a single deactivated one. */
    private PasswordCheck check(List<DirectoryStore.Credentials> candidates, String password) {
        var active = candidates.stream().filter(c -> c.user().active()).toList();
        var account = active.size() == 1 ? active.getFirst()
                : active.isEmpty() && candidates.size() == 1 ? candidates.getFirst() : null;
        // bcrypt refuses more than 72 bytes; no stored password is longer, so it is wrong whatever it is.
        boolean hashable = password != null && PasswordPolicy.fitsBcrypt(password);
        if (account == null || !hashable) {
            passwords.matches(hashable ? password : "over-long-password", decoyHash);
            return new PasswordCheck.Failed();
        }
        if (!passwords.matches(password, account.passwordHash())) {
            return new PasswordCheck.Failed();
        }
        return account.user().active() ? new PasswordCheck.Passed(account.user()) : new PasswordCheck.Deactivated();
    }

    /** The tenants in which an active user has this e-mail (the sign-in page's choice of organisation). */
    public List<Tenant> organisationsOf(String email) {
        if (email == null || email.isBlank() || email.length() > MAX_EMAIL) {
            return List.of();
        }
        return store.activeUsersByEmail(email.strip()).stream().map(User::tenantId).distinct()
                .flatMap(id -> store.tenant(id).stream()).toList();
    }

    /**
     * The user a single sign-on stands for (see {@link SignOns}): matched by the provider's subject, else by the
     * e-mail at a first sign-on; an unknown person is registered with {@code justInTime} as an SSO user when the
     * tenant allows it (role defaults then apply as for any registration), else refused NOT_FOUND. A deactivated
     * user is refused USER_INACTIVE.
     */
    @Transactional
    public Outcome<User> signOn(TenantId tenant, SignOnClaims claims, Optional<Role> justInTime) {
        var matched = signOns.match(tenant, claims);
        if (matched.isPresent()) {
            return matched.get();
        }
        if (justInTime.isEmpty()) {
            return new Refused<>(Refusal.NOT_FOUND, "there is no user with your e-mail in this organisation");
        }
        String name = claims.name() == null || claims.name().isBlank() ? claims.email().strip() : claims.name().strip();
        var registered = register(tenant, new NewUser(name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name,
                claims.email().strip(), justInTime.get(), null, null, Source.SSO));
        if (registered instanceof Outcome.Done<User>(var user)) {
            signOns.link(tenant, user, claims);
        }
        return registered;
    }

    /** A page of the tenant's users that match the filter, oldest first, and how many match in all. */
    public PeoplePage find(TenantId tenantId, PeopleFilter filter, int offset, int limit) {
        return store.find(tenantId, filter, Math.max(0, offset), Math.max(0, limit));
    }

    @Transactional
    public Outcome<User> change(TenantId tenantId, UserId userId, UserChange change) {
        // Locked, so that of two changes racing (a SCIM push and an admin), each applies to what the other left.
        var current = store.lockUser(tenantId, userId);
        if (current.isEmpty()) {
            return new Refused<>(Refusal.NOT_FOUND, "user not found");
        }
        var invalid = (change.name() == null ? Optional.<String>empty() : invalidName(change.name()))
                .map(message -> invalid("name", message))
                // Only a new address is checked: one kept (a directory's PUT sends it every time) passed the rules of
                // its day, and refusing it would refuse every other change of that user.
                .or(() -> change.email() == null || change.email().strip().equalsIgnoreCase(current.get().email())
                        ? Optional.empty() : invalidEmail(change.email()).map(message -> invalid("email", message)))
                .or(() -> change.externalId() != null && change.externalId().length() > MAX_EXTERNAL_ID
                        ? Optional.of(invalid("externalId", "externalId has at most " + MAX_EXTERNAL_ID + " characters"))
                        : Optional.empty());
        if (invalid.isPresent()) {
            return invalid.get();
        }
        var user = current.get();
        var changed = new User(user.id(), tenantId,
                change.name() != null ? change.name().strip() : user.name(),
                change.email() != null ? change.email().strip() : user.email(),
                change.role() != null ? change.role() : user.role(),
                change.active() != null ? change.active() : user.active(),
                change.externalId() != null ? blankToNull(change.externalId()) : user.externalId(),
                user.createdAt(), user.source(), user.changedAt());
        if (changed.equals(user)) {
            return Outcome.done(user); // nothing to change (a directory's PUT of what it has): nothing written
        }
        changed = new User(changed.id(), tenantId, changed.name(), changed.email(), changed.role(), changed.active(),
                changed.externalId(), changed.createdAt(), changed.source(), clock.instant().truncatedTo(ChronoUnit.MICROS));
        try {
            store.update(changed);
        } catch (DuplicateKeyException e) {
            return new Refused<>(Refusal.EMAIL_TAKEN, "a user with email " + changed.email() + " already exists");
        }
        if (changed.role() != user.role() || changed.active() != user.active()) {
            // A session must carry no authority the directory no longer grants: access ends this user's sessions.
            events.publishEvent(new UserStandingChanged(tenantId, userId));
        }
        if (user.active() && !changed.active()) {
            // In this transaction: the ledger takes the unused credits back, or the deactivation does not happen.
            events.publishEvent(new UserDeactivated(tenantId, userId));
        }
        events.publishEvent(new PeopleChanged(tenantId));
        return Outcome.done(changed);
    }

    private static Refused<User> invalid(String field, String message) {
        return Refused.invalid(field, message);
    }

    private static Optional<String> invalidName(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("name is required");
        }
        if (name.strip().length() > MAX_NAME) {
            return Optional.of("name has at most " + MAX_NAME + " characters");
        }
        return Optional.empty();
    }

    private static Optional<String> invalidEmail(String email) {
        if (email == null || email.isBlank()) {
            return Optional.of("email is required");
        }
        if (email.strip().length() > MAX_EMAIL || !EMAIL.matcher(email.strip()).matches()) {
            return Optional.of("email is not a valid address");
        }
        return Optional.empty();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
