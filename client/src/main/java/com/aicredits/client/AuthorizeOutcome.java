package com.aicredits.client;

/** The answer to authorize: the request may start, or it may not and why. */
public sealed interface AuthorizeOutcome permits Authorized, Refused {
}
