package com.aicredits.directory;

/**
 * What an email and password sign in as ({@link Directory#authenticate}): the active user, or the right password of
 * a deactivated account (told only to whoever knows that password, as a single sign-on is told after its provider),
 * or nothing: wrong password, unknown email, an email held in several tenants.
 */
public sealed interface PasswordCheck {

    record Passed(User user) implements PasswordCheck {
    }

    record Deactivated() implements PasswordCheck {
    }

    record Failed() implements PasswordCheck {
    }
}
