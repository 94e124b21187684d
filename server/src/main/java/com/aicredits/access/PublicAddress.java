package com.aicredits.access;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The address people, an identity provider and a customer's directory reach this service at: the configured public base URL,
 * else the one the asking request came in at (what a development set-up needs). Never built from Host alone where a
 * public address is configured.
 */
@Component
public class PublicAddress {

    /** The SCIM base URL, the same for every tenant: the token says which tenant a call acts on. */
    private static final String SCIM = "/scim/v2";

    private final String configured;

    PublicAddress(@Value("${aicredits.public-base-url:}") String configured) {
        this.configured = configured == null ? "" : configured.strip().replaceAll("/+$", "");
    }

    /** The base, without a trailing slash. */
    public String base(String requestBase) {
        return configured.isEmpty() ? requestBase.replaceAll("/+$", "") : configured;
    }

    public String scimBaseUrl(String requestBase) {
        return base(requestBase) + SCIM;
    }
}
