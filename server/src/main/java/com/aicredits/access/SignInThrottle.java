package com.aicredits.access;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing: failed sign-ins are counted per account (the email typed) and per client
 * address in token buckets, each with several limits, so the wait after a run of failures grows (minutes,
 * then an hour, then a day). Each attempt takes a token from both buckets before its password is checked, so
 * guesses sent in parallel cannot all pass a check made before any of them failed; the right password gives
 * the tokens back, so a person who signs in is never slowed. While either bucket is empty the attempt is
 * refused before any password is checked.
 * <p>
 * The buckets live in each instance's memory, so behind N instances a guesser gets at most N times the
 * allowance; the per-account daily limit still caps that to a few dozen guesses a day.
 */
@Component
class SignInThrottle {

    private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);
    private static final UUID NO_TENANT = new UUID(0, 0);
    /** Beyond this many tracked keys, buckets that are full again (no recent failure) are forgotten. */
    private static final int TRACKED_MAX = 100_000;

    private final Map<String, Bucket> accounts = new ConcurrentHashMap<>();
    private final Map<String, Bucket> addresses = new ConcurrentHashMap<>();
    private final TimeMeter time;
    private final JdbcClient jdbc;
    private final Clock clock;

    SignInThrottle(Clock clock, JdbcClient jdbc) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                var now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /** 5 failures, then one try per minute or so; at most 10 an hour and 20 a day for one account. */
    private Bucket accountBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(5).refillIntervally(5, Duration.ofMinutes(5)))
                .addLimit(limit -> limit.capacity(10).refillIntervally(10, Duration.ofHours(1)))
                .addLimit(limit -> limit.capacity(20).refillIntervally(20, Duration.ofDays(1)))
                .withCustomTimePrecision(time)
                .build();
    }

    /** An office behind one address has many people: more room, but still no bulk guessing across accounts. */
    private Bucket addressBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(30).refillIntervally(30, Duration.ofMinutes(10)))
                .addLimit(limit -> limit.capacity(200).refillIntervally(200, Duration.ofDays(1)))
                .withCustomTimePrecision(time)
                .build();
    }

    /** How long this account or address must wait before its next attempt; empty when it may try now. */
    Optional<Duration> lockedFor(String email, String address) {
        long waitNanos = Math.max(wait(accounts.get(account(email))), wait(addresses.get(address(address))));
        return waitNanos > 0 ? Optional.of(Duration.ofNanos(waitNanos)) : Optional.empty();
    }

    /**
     * Reserves one attempt of this account from this address: empty when it may go on (a token taken from
     * each bucket), or how long to wait (nothing taken).
     */
    Optional<Duration> attempt(String email, String address) {
        var account = bucket(accounts, account(email), this::accountBucket);
        var origin = bucket(addresses, address(address), this::addressBucket);
        if (!account.tryConsume(1)) {
            return lockedFor(email, address);
        }
        if (!origin.tryConsume(1)) {
            account.addTokens(1);
            return lockedFor(email, address);
        }
        return Optional.empty();
    }

    /** The right password: the attempt's tokens go back. */
    void succeeded(String email, String address) {
        bucket(accounts, account(email), this::accountBucket).addTokens(1);
        bucket(addresses, address(address), this::addressBucket).addTokens(1);
    }

    /** A wrong password: the attempt's tokens stay taken; the failure that starts a lock is audited. */
    void failed(String email, String address) {
        lockedFor(email, address).ifPresent(lock -> record(email, address, lock));
    }

    /** The minutes to show a person for a wait, rounded up: "try again in 1 minute" rather than in 0. */
    static long minutes(Duration wait) {
        return Math.max(1, (wait.toSeconds() + 59) / 60);
    }

    private static long wait(Bucket bucket) {
        if (bucket == null) {
            return 0;
        }
        var probe = bucket.estimateAbilityToConsume(1);
        return probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill();
    }

    private static Bucket bucket(Map<String, Bucket> buckets, String key, Supplier<Bucket> fresh) {
        if (buckets.size() > TRACKED_MAX) {
            buckets.values().removeIf(bucket -> bucket.getAvailableTokens() >= 5 && wait(bucket) == 0);
        }
        return buckets.computeIfAbsent(key, k -> fresh.get());
    }

    private void record(String email, String address, Duration lock) {
        try {
            jdbc.sql("insert into audit_events (tenant_id, actor, method, path, status, code, at) values (?, ?, ?, ?, ?, ?, ?)")
                    .params(NO_TENANT, truncate("sign-in:" + account(email) + " from " + address(address)), "POST",
                            "/login", 429, "SIGN_IN_THROTTLED", clock.instant().atOffset(ZoneOffset.UTC))
                    .update();
        } catch (RuntimeException e) {
            log.warn("could not record a sign-in lock of {} minutes: {}", minutes(lock), e.getMessage());
        }
    }

    private static String account(String email) {
        return truncate(email == null ? "" : email.strip().toLowerCase(Locale.ROOT));
    }

    private static String address(String address) {
        return address == null ? "unknown" : address;
    }

    private static String truncate(String text) {
        return text.length() > 320 ? text.substring(0, 320) : text;
    }
}
