package com.aicredits.access;

/** A newly created key: {@code key} is the only time the secret is ever visible. */
public record IssuedKey(ApiKey apiKey, String key) {
}
