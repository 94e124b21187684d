package com.aicredits.directory;

/**
 * What a tenant's identity provider vouched for in a validated ID token: its issuer and the person's stable
 * subject, and the e-mail, whether the provider verified it (null when it does not say, as Entra ID), and a name.
 */
public record SignOnClaims(String issuer, String subject, String email, Boolean emailVerified, String name) {
}
