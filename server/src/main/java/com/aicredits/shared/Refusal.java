package com.aicredits.shared;

/** Why an operation was refused, in every module's vocabulary. A refused operation changes nothing. */
public enum Refusal {
    /** Zero, negative, too precise or too large an amount. */
    /** A time zone that is not an IANA name (tenant settings). */
    INVALID_TIME_ZONE,
    /** An allowance period other than MONTHLY or WEEKLY. */
    INVALID_PERIOD,
    /** An allowance mode other than RESET or TOP_UP. */
    INVALID_MODE,
    /** A usage range whose dates do not parse, that ends before it starts, or that is longer than two years. */
    INVALID_DATE_RANGE,
    /** A usage interval other than day, week or month. */
    INVALID_INTERVAL,
    /** A usage grouping other than none, feature or user. */
    INVALID_GROUP_BY,
    /** A single sign-on issuer that is not an https URL (an identity provider's, e.g. https://login.microsoftonline.com/…/v2.0). */
    INVALID_ISSUER,
    INVALID_AMOUNT,
    /** Any other malformed field (note too long, blank reference, malformed request id). */
    VALIDATION_FAILED,
    /** Unknown tenant, user or request, or one of another tenant. */
    NOT_FOUND,
    /** Another user of the tenant already has this e-mail. */
    EMAIL_TAKEN,
    /** The user is deactivated: no new allocations, no new AI requests. */
    USER_INACTIVE,
    /** Assign or add more than the tenant's unassigned pool. */
    INSUFFICIENT_UNASSIGNED,
    /** Remove more than max(0, remaining - held), or end an allocation that still has removable credits. */
    EXCEEDS_REMOVABLE,
    /** End an allocation while a running AI request holds some of its credits. */
    CREDITS_HELD,
    /** Assign to a user who already has an active allocation (add instead). */
    ALREADY_ASSIGNED,
    /** Add, remove or consume for a user without an active allocation. */
    NO_ALLOCATION,
    /** The user's available credits (remaining - held) are zero or below. */
    CREDITS_EXHAUSTED,
    /** The user already has the tenant's limit of open holds. */
    TOO_MANY_IN_FLIGHT,
    /** An idempotency key reused for a different operation. */
    IDEMPOTENCY_KEY_REUSED,
    /** A request id reused for a different user, feature or kind of call. */
    REQUEST_ID_REUSED,
    /** Void of a request that was already settled. */
    ALREADY_SETTLED,
    /** Settle of a request that was already voided. */
    ALREADY_VOIDED,
    /** Settle or void of a request whose settle deadline has passed (SPEC, "The overdraft bound, made exact"). */
    REQUEST_EXPIRED,
    /** A webhook target that is not a permitted public https URL (server-side request forgery). */
    UNSAFE_WEBHOOK_URL,
    /** A credit request for a user who already has one pending (SPEC part two, "Credit requests"). */
    REQUEST_PENDING,
    /** Approve or decline a credit request that is no longer pending. */
    REQUEST_CLOSED
}
