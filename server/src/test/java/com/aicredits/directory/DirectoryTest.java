package com.aicredits.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aicredits.TestApplication;
import com.aicredits.shared.Outcome;
import com.aicredits.shared.Refusal;
import com.aicredits.shared.Refused;
import com.aicredits.shared.TenantId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TestApplication
class DirectoryTest {

    @Autowired Directory directory;
    @Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc;

    TenantId tenant;

    @BeforeEach
    void newTenant() {
        tenant = directory.createTenant("Acme " + System.nanoTime()).id();
    }

    private User registered(String name, String email, Role role) {
        return directory.register(tenant, new NewUser(name, email, role)).orElseThrow();
    }

    private Refusal refusal(Outcome<User> result) {
        assertThat(result).isInstanceOf(Refused.class);
        return ((Refused) result).reason();
    }

    @Test
    void a_registered_user_has_a_name_an_email_a_role_and_is_active() {
        var user = registered("  Ada Lovelace ", "ada@acme.example", Role.Admin);

        assertThat(user.name()).isEqualTo("Ada Lovelace");
        assertThat(user.active()).isTrue();
        assertThat(directory.user(tenant, user.id())).contains(user);
        assertThat(directory.users(tenant)).containsExactly(user);
    }

    @Test
    void an_email_is_unique_per_tenant_whatever_its_case_but_may_repeat_across_tenants() {
        registered("Ada", "ada@acme.example", Role.Admin);

        assertThat(refusal(directory.register(tenant, new NewUser("Other Ada", "ADA@acme.example", Role.Viewer))))
                .isEqualTo(Refusal.EMAIL_TAKEN);
        var otherTenant = directory.createTenant("Other").id();
        assertThat(directory.register(otherTenant, new NewUser("Ada", "ada@acme.example", Role.Admin))).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void a_user_without_a_name_with_a_malformed_email_or_without_a_role_is_refused() {
        assertThat(refusal(directory.register(tenant, new NewUser(" ", "a@b.example", Role.Admin)))).isEqualTo(Refusal.VALIDATION_FAILED);
        assertThat(refusal(directory.register(tenant, new NewUser("A", "not-an-email", Role.Admin)))).isEqualTo(Refusal.VALIDATION_FAILED);
        assertThat(refusal(directory.register(tenant, new NewUser("A", "a@b.example", null)))).isEqualTo(Refusal.VALIDATION_FAILED);
        assertThat(refusal(directory.register(tenant, new NewUser("x".repeat(201), "a@b.example", Role.Admin))))
                .isEqualTo(Refusal.VALIDATION_FAILED);
        assertThat(directory.users(tenant)).isEmpty();
    }

    @Test
    void an_email_domain_must_be_routable_while_the_local_part_stays_loose() {
        for (String fine : List.of("o'brien+ai@mail-1.example.co", "jürgen@bücher.example", "x@" + "d".repeat(63) + ".example",
                "a@उदाहरण.भारत")) {
            assertThat(directory.register(tenant, new NewUser("Fine", fine, Role.Viewer))).as(fine).isInstanceOf(Outcome.Done.class);
        }
        for (String bad : List.of("a@" + "d".repeat(64) + ".example", "a@-d.example", "a@d-.example", "a@d..example",
                "a@example", "a@d_x.example", "a@" + "d.".repeat(127) + "example", "x".repeat(65) + "@d.example")) {
            assertThat(refusal(directory.register(tenant, new NewUser("Bad", bad, Role.Viewer)))).as(bad)
                    .isEqualTo(Refusal.VALIDATION_FAILED);
        }
    }

    /** A user stored before the rules tightened keeps working: a PUT sends their address again with every change. */
    @Test
    void an_address_kept_as_it_is_is_not_checked_again() {
        var user = registered("Old Rules", "old@rules.example", Role.Viewer);
        jdbc.sql("update users set email = ? where id = ?").params("o@under_score.example", user.id().value()).update();
        assertThat(directory.change(tenant, user.id(), new UserChange("Old Rules Kept", null, null, "O@under_score.example", null)))
                .isInstanceOf(Outcome.Done.class);
        assertThat(refusal(directory.change(tenant, user.id(), new UserChange(null, null, null, "new@under_score.example", null))))
                .isEqualTo(Refusal.VALIDATION_FAILED);
    }

    @Test
    void registering_in_an_unknown_tenant_is_refused_as_not_found() {
        assertThat(refusal(directory.register(TenantId.random(), new NewUser("A", "a@b.example", Role.Admin))))
                .isEqualTo(Refusal.NOT_FOUND);
    }

    @Test
    void a_user_can_be_renamed_given_another_role_and_deactivated() {
        var user = registered("Ada", "ada@acme.example", Role.Planner);

        var changed = directory.change(tenant, user.id(), new UserChange("Ada L.", Role.Viewer, false)).orElseThrow();

        assertThat(changed.name()).isEqualTo("Ada L.");
        assertThat(changed.role()).isEqualTo(Role.Viewer);
        assertThat(changed.active()).isFalse();
        assertThat(directory.user(tenant, user.id())).contains(changed);
    }

    @Test
    void a_user_of_another_tenant_is_invisible_and_cannot_be_changed() {
        var user = registered("Ada", "ada@acme.example", Role.Planner);
        var otherTenant = directory.createTenant("Other").id();

        assertThat(directory.user(otherTenant, user.id())).isEmpty();
        assertThat(directory.users(otherTenant)).isEmpty();
        assertThat(refusal(directory.change(otherTenant, user.id(), new UserChange("Hacked", null, false)))).isEqualTo(Refusal.NOT_FOUND);
        assertThat(directory.user(tenant, user.id()).orElseThrow().name()).isEqualTo("Ada");
    }

    @Test
    void a_tenant_needs_a_name() {
        assertThatThrownBy(() -> directory.createTenant(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
