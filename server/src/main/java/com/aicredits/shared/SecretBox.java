package com.aicredits.shared;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Secrets the service must read back (an identity provider's client secret, a webhook's signing secret) kept
 * encrypted at rest: AES-256-GCM under one key from configuration ({@code aicredits.secrets.key}, 32 bytes in
 * base64). A database dump or backup alone then reveals none of them.
 *
 * <p>Each secret is sealed for a context (e.g. {@code "sso:<tenant>"}), bound in as GCM's associated data: a
 * sealed value copied into another tenant's row, or into another kind of secret, does not open there.
 *
 * <p>Without a configured key (development, the demo) one is generated once into {@code <data-dir>/secret-box.key},
 * readable by the owner only, beside the embedded database it protects; production sets the key instead.
 */
@Component
public final class SecretBox {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int KEY_BYTES = 32;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    @Autowired
    SecretBox(@Value("${aicredits.secrets.key:}") String configured, @Value("${aicredits.data-dir:./data}") String dataDir) {
        this(configured == null || configured.isBlank() ? generatedKey(Path.of(dataDir)) : decode(configured.strip()));
    }

    /** A box with this key (32 bytes): for tests and tools; the application's is configured. */
    public SecretBox(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("aicredits.secrets.key must be 32 bytes (base64), not " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** The secret, encrypted for this context, as text to store: base64 of version, nonce, ciphertext and tag. */
    public String seal(String secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(VERSION).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES-GCM", e);
        }
    }

    /**
     * The secret sealed for this context. A value sealed under another key or for another context, or altered,
     * does not open: that is a misconfiguration (a changed key) or tampering, so it throws.
     */
    public String open(String sealed, String context) {
        byte[] bytes = Base64.getDecoder().decode(sealed);
        if (bytes.length < 1 + NONCE_BYTES + TAG_BITS / 8 || bytes[0] != VERSION) {
            throw new IllegalStateException("not a sealed secret of this service");
        }
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 1, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException("the secret does not open with aicredits.secrets.key for " + context
                    + " (was the key changed?)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES-GCM", e);
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("aicredits.secrets.key is not base64", e);
        }
    }

    /** The development key: read from the data directory, or made there once (owner-only) and kept. */
    private static byte[] generatedKey(Path dataDir) {
        Path file = dataDir.resolve("secret-box.key");
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file).strip());
            }
            Files.createDirectories(dataDir);
            byte[] key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            Files.writeString(file, Base64.getEncoder().encodeToString(key), StandardOpenOption.CREATE_NEW);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the file stays as its directory allows.
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file + " (or set aicredits.secrets.key)", e);
        }
    }
}
