package com.aicredits.directory;

import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Finds the directory user a single sign-on stands for. The provider's subject is the person's identity: once
 * linked, it decides, whatever the e-mail says now. Only at a first sign-on is the e-mail used, and only one the
 * provider did not call unverified; the subject is then linked, so nobody else can take that user over later by
 * changing their e-mail at the provider. Nobody is created silently: an unknown person is registered only when
 * the tenant turned just-in-time creation on, with its role, as an SSO user.
 */
@Component
class SignOns {

    private final DirectoryStore store;

    SignOns(DirectoryStore store) {
        this.store = store;
    }

    /** Empty when the person is unknown here (the caller then registers them, or refuses). */
    Optional<Outcome<User>> match(TenantId tenant, SignOnClaims claims) {
        var linked = store.userBySubject(tenant, claims.issuer(), claims.subject());
        if (linked.isPresent()) {
            return Optional.of(standing(linked.get()));
        }
        if (!usableEmail(claims)) {
            return Optional.of(new Refused<>(Refusal.NOT_FOUND,
                    "your identity provider did not vouch for your e-mail address, so no user could be matched"));
        }
        var byEmail = store.lockUserByEmail(tenant, claims.email().strip());
        if (byEmail.isEmpty()) {
            return Optional.empty();
        }
        var user = byEmail.get();
        if (!store.linkSubject(tenant, user.id(), claims.issuer(), claims.subject())) {
            return Optional.of(new Refused<>(Refusal.NOT_FOUND,
                    "the user with your e-mail is linked to another identity at your organisation's provider"));
        }
        return Optional.of(standing(user));
    }

    /** The subject of a user just registered at their first sign-on. */
    void link(TenantId tenant, User user, SignOnClaims claims) {
        if (!store.linkSubject(tenant, user.id(), claims.issuer(), claims.subject())) {
            throw new IllegalStateException("a user registered in this transaction is already linked");
        }
    }

    static boolean usableEmail(SignOnClaims claims) {
        return claims.email() != null && !claims.email().isBlank() && !Boolean.FALSE.equals(claims.emailVerified());
    }

    private static Outcome<User> standing(User user) {
        return user.active() ? Outcome.done(user)
                : new Refused<>(Refusal.USER_INACTIVE, "your account in this organisation is deactivated");
    }
}
