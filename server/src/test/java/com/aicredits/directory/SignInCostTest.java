package com.aicredits.directory;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.shared.TenantId;
import com.aicredits.shared.UserId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Issue 17, finding 6: every sign-in attempt costs exactly one password hash, whatever the cause of a failure,
 * so its duration tells nobody whether the email exists, is deactivated, or is held in several tenants.
 * Before, a deactivated account cost none and an email in N tenants cost N. The right password of a deactivated
 * account is told so; any other attempt on it is a wrong password.
 */
class SignInCostTest {

    private static final String PASSWORD = "a long enough secret";
    private final PasswordEncoder real = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final AtomicInteger hashes = new AtomicInteger();
    private final List<DirectoryStore.Credentials> stored = new ArrayList<>();
    private Directory directory;

    @BeforeEach
    void setUp() {
        PasswordEncoder counting = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return real.encode(raw);
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                hashes.incrementAndGet();
                return real.matches(raw, encoded);
            }
        };
        var store = new DirectoryStore(null) {
            @Override
            List<Credentials> credentials(String email) {
                return stored.stream().filter(c -> c.user().email().equalsIgnoreCase(email)).toList();
            }
        };
        directory = new Directory(store, new SignOns(store), event -> { }, counting, Clock.systemUTC());
        hashes.set(0);
    }

    private void store(String email, boolean active) {
        var user = new User(UserId.random(), TenantId.random(), "N", email, Role.Admin, active, null, Instant.now());
        stored.add(new DirectoryStore.Credentials(user, real.encode(PASSWORD)));
    }

    private int hashesFor(String email, String password) {
        hashes.set(0);
        directory.authenticate(email, password);
        return hashes.get();
    }

    @Test
    void every_kind_of_failed_sign_in_costs_one_password_hash() {
        store("active@x.example", true);
        store("gone@x.example", false);
        for (int i = 0; i < 3; i++) {
            store("many@x.example", true);
        }
        assertThat(hashesFor("unknown@x.example", PASSWORD)).as("unknown").isEqualTo(1);
        assertThat(hashesFor("gone@x.example", PASSWORD)).as("deactivated").isEqualTo(1);
        assertThat(hashesFor("many@x.example", PASSWORD)).as("in three tenants").isEqualTo(1);
        assertThat(hashesFor("active@x.example", "wrong password here")).as("wrong password").isEqualTo(1);
        assertThat(hashesFor("active@x.example", "x".repeat(100))).as("over 72 bytes").isEqualTo(1);
        assertThat(hashesFor("active@x.example", PASSWORD)).as("right password").isEqualTo(1);
    }

    @Test
    void the_right_password_signs_in_only_an_active_account_held_in_one_tenant() {
        store("active@x.example", true);
        store("gone@x.example", false);
        store("many@x.example", true);
        store("many@x.example", true);
        assertThat(directory.authenticate("active@x.example", PASSWORD)).isInstanceOf(PasswordCheck.Passed.class);
        assertThat(directory.authenticate("many@x.example", PASSWORD)).isInstanceOf(PasswordCheck.Failed.class);
        assertThat(directory.authenticate("active@x.example", PASSWORD + "x".repeat(80)))
                .isInstanceOf(PasswordCheck.Failed.class);
    }

    @Test
    void only_the_right_password_of_a_deactivated_account_learns_that_it_is_deactivated() {
        store("gone@x.example", false);
        assertThat(directory.authenticate("gone@x.example", PASSWORD)).isInstanceOf(PasswordCheck.Deactivated.class);
        assertThat(directory.authenticate("gone@x.example", "wrong password here")).isInstanceOf(PasswordCheck.Failed.class);
        // The same email active in another tenant: that account is the one the password is checked against.
        store("gone@x.example", true);
        assertThat(directory.authenticate("gone@x.example", PASSWORD)).isInstanceOf(PasswordCheck.Passed.class);
    }
}
