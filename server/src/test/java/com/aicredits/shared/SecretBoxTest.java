package com.aicredits.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    private final SecretBox box = new SecretBox(new byte[32]);

    @Test
    void a_sealed_secret_opens_for_its_context_and_never_shows_the_secret() {
        String sealed = box.seal("client-secret-1", "sso:tenant-a");
        assertThat(sealed).doesNotContain("client-secret-1");
        assertThat(box.open(sealed, "sso:tenant-a")).isEqualTo("client-secret-1");
    }

    @Test
    void sealing_twice_gives_two_different_texts() {
        assertThat(box.seal("same", "c")).isNotEqualTo(box.seal("same", "c"));
    }

    @Test
    void a_secret_copied_to_another_context_or_altered_or_under_another_key_does_not_open() {
        String sealed = box.seal("client-secret-1", "sso:tenant-a");
        assertThatThrownBy(() -> box.open(sealed, "sso:tenant-b")).isInstanceOf(IllegalStateException.class);
        byte[] bytes = Base64.getDecoder().decode(sealed);
        bytes[bytes.length - 1] ^= 1;
        assertThatThrownBy(() -> box.open(Base64.getEncoder().encodeToString(bytes), "sso:tenant-a"))
                .isInstanceOf(IllegalStateException.class);
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        assertThatThrownBy(() -> new SecretBox(otherKey).open(sealed, "sso:tenant-a")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_key_of_the_wrong_length_is_refused_at_start() {
        assertThatThrownBy(() -> new SecretBox(new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SecretBox(Base64.getEncoder().encodeToString(new byte[31]), "unused"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void without_a_configured_key_one_is_made_once_in_the_data_directory_and_kept(@TempDir Path dir) throws Exception {
        var first = new SecretBox("", dir.toString());
        String sealed = first.seal("kept", "c");
        assertThat(Files.readString(dir.resolve("secret-box.key")).strip()).hasSize(44);
        assertThat(Files.getPosixFilePermissions(dir.resolve("secret-box.key")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(new SecretBox("", dir.toString()).open(sealed, "c")).as("a restart reads the same key").isEqualTo("kept");
    }
}
