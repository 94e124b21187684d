package com.aicredits.webhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encryption at rest for secrets the service must read back (webhook signing secrets): AES-256-GCM under the key in
 * {@code aicredits.secrets.key} (environment {@code AICREDITS_SECRETS_KEY}, base64 of 32 bytes). A database dump
 * without that key cannot sign deliveries. The associated data binds each ciphertext to its row, so one row's
 * sealed secret copied into another does not open.
 *
 * <p>Without a configured key, a development key is generated once into {@code <aicredits.data-dir>/secrets.key}
 * (owner-only permissions) and a warning is logged: fine for one machine, wrong for production or for several
 * instances, which must share one configured key.
 */
@Component
public class SecretBox {

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    SecretBox(@Value("${aicredits.secrets.key:}") String configured, @Value("${aicredits.data-dir:./data}") Path dataDir) {
        this.key = new SecretKeySpec(configured == null || configured.isBlank() ? developmentKey(dataDir) : decode(configured),
                "AES");
    }

    /** The sealed form: a fresh 12-byte nonce, then the ciphertext with its tag. */
    public byte[] seal(byte[] plain, byte[] associatedData) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** Throws when the ciphertext was altered, belongs to other associated data, or was sealed under another key. */
    public byte[] open(byte[] sealed, byte[] associatedData) {
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a sealed secret does not open with aicredits.secrets.key (altered, moved "
                    + "between rows, or sealed under another key)", e);
        }
    }

    private static byte[] decode(String configured) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(configured.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("aicredits.secrets.key is not base64", e);
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("aicredits.secrets.key must be base64 of 32 bytes (openssl rand -base64 32)");
        }
        return bytes;
    }

    private static synchronized byte[] developmentKey(Path dataDir) {
        Path file = dataDir.resolve("secrets.key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                Path temp = Files.createTempFile(dataDir, "secrets", ".tmp");
                try {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Windows: the data directory's own permissions apply
                }
                Files.writeString(temp, Base64.getEncoder().encodeToString(fresh));
                try {
                    Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    Files.deleteIfExists(temp);
                }
            }
            log.warn("aicredits.secrets.key is not set: webhook secrets are encrypted with the development key in {}; "
                    + "set AICREDITS_SECRETS_KEY (openssl rand -base64 32) in production and on every instance", file);
            return decode(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the development key in " + file, e);
        }
    }
}
