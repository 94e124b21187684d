package com.aicredits.access;

import com.aicredits.directory.UserStandingChanged;
import com.aicredits.shared.UserId;
import java.util.Comparator;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.IndexResolver;
import org.springframework.session.Session;

/**
 * A person's sessions, kept in PostgreSQL (Spring Session JDBC) so that every instance sees the same ones.
 * Each signed-in session is indexed by the person's user id (not the email, which another tenant may hold
 * too), so all of a person's sessions can be found and ended at once, whichever instance made them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication // sessions exist only where people sign in (not in a context without a web server)
class PersonSessions {

    /** Phone, laptop, a second browser: more than this and the least recently used session is ended. */
    static final int PER_PERSON_MAX = 5;

    private final FindByIndexNameSessionRepository<? extends Session> sessions;

    PersonSessions(FindByIndexNameSessionRepository<? extends Session> sessions) {
        this.sessions = sessions;
    }

    /** Spring Session indexes the principal by this; its default would be the email. */
    @Bean
    static IndexResolver<Session> indexByUserId() {
        return session -> {
            Object context = session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
            if (context instanceof SecurityContext security && security.getAuthentication() != null
                    && security.getAuthentication().getPrincipal() instanceof Caller caller && caller.userId() != null) {
                return Map.of(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, caller.userId().value().toString());
            }
            return Map.of();
        };
    }

    /** Deactivated, demoted, promoted or given a new password: every session of theirs ends, on every instance. */
    @EventListener
    void standingChanged(UserStandingChanged changed) {
        endAll(changed.userId());
    }

    void endAll(UserId user) {
        sessions.findByPrincipalName(user.value().toString()).keySet().forEach(sessions::deleteById);
    }

    /**
     * Called as a person signs in (before the new session is stored): keeps at most {@link #PER_PERSON_MAX}
     * sessions for them, counting the new one, by ending the least recently used.
     */
    void makeRoomFor(UserId user, String signingInSessionId) {
        var theirs = sessions.findByPrincipalName(user.value().toString()).values().stream()
                .filter(session -> !session.getId().equals(signingInSessionId))
                .sorted(Comparator.comparing(Session::getLastAccessedTime))
                .toList();
        for (int i = 0; i < theirs.size() - (PER_PERSON_MAX - 1); i++) {
            sessions.deleteById(theirs.get(i).getId());
        }
    }
}
