package com.aicredits.demo;

import com.aicredits.shared.UserId;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Sixty days of the demo tenant's AI use, planned so the charts tell a story on first sign-in: people work on weekdays
 * and hardly at weekends; {@code supplier-summary} grows as word spreads; {@code demand-forecast} was launched three
 * weeks ago; two planners use more and more (and run out within the week); people who joined a month ago start then,
 * Dennis stops when he moves to another project. Each person's total is exactly their seeded consumption, in requests
 * of at most 12 credits, so the table's figures stay the ones the README describes. Seeded, so every demo is the same.
 */
final class DemoUsage {

    static final int DAYS = 60;
    /** The day (of the 60, 0 the first) demand-forecast went live: three weeks ago. */
    static final int LAUNCH_DAY = DAYS - 21;
    /** The day the late joiners were given credits, and the second purchase came: a month ago. */
    static final int JOIN_DAY = 30;

    /** How a person's use moves over the 60 days. */
    enum Rhythm {
        STEADY, RISING, JOINED_LATER, LEFT
    }

    /** One charge: when, whose, on what, how much (thousandths of a credit). */
    record Charge(Instant at, UserId user, String feature, long thousandths) {
    }

    private static final long UNIT = 125; // requests cost multiples of 0.125 credits
    private static final long MAX_REQUEST = 12_000;

    private final LocalDate first;
    private final Instant now;
    private final Random random = new Random(14);

    DemoUsage(Instant now) {
        this.now = now;
        this.first = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(DAYS - 1L);
    }

    /** An instant of the {@code day}th day (0: 59 days ago), UTC; never after now (today's plan is cut off at now). */
    Instant at(int day, int hour, int minute) {
        var at = first.plusDays(day).atTime(hour, minute).toInstant(ZoneOffset.UTC);
        return at.isAfter(now) ? now : at;
    }

    /** The person's {@code total} thousandths spread over the days their rhythm allows, oldest first. */
    List<Charge> plan(UserId user, long total, Rhythm rhythm) {
        double[] weights = new double[DAYS];
        double sum = 0;
        for (int d = 0; d < DAYS; d++) {
            boolean working = (rhythm != Rhythm.JOINED_LATER || d >= JOIN_DAY) && (rhythm != Rhythm.LEFT || d < 45);
            var dow = first.plusDays(d).getDayOfWeek();
            double week = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY ? 0.12 : 1.0;
            double trend = rhythm == Rhythm.RISING ? 0.2 + 2.5 * Math.pow(d / (DAYS - 1.0), 2) : 1.0;
            weights[d] = working ? week * trend * (0.5 + random.nextDouble()) : 0;
            sum += weights[d];
        }
        // whole units by largest remainder, so the days add up to the total exactly
        long units = total / UNIT;
        long[] perDay = new long[DAYS];
        double[] rest = new double[DAYS];
        long given = 0;
        for (int d = 0; d < DAYS; d++) {
            double share = sum == 0 ? 0 : units * weights[d] / sum;
            perDay[d] = (long) Math.floor(share);
            rest[d] = share - perDay[d];
            given += perDay[d];
        }
        while (given < units) {
            int best = 0;
            for (int d = 1; d < DAYS; d++) {
                if (rest[d] > rest[best]) {
                    best = d;
                }
            }
            perDay[best]++;
            rest[best] = -1;
            given++;
        }
        List<Charge> charges = new ArrayList<>();
        for (int d = 0; d < DAYS; d++) {
            long left = perDay[d] * UNIT;
            int minute = 8 * 60 + random.nextInt(90);
            while (left > 0) {
                long cost = Math.min(left, Math.max(UNIT, (MAX_REQUEST / 4 + random.nextInt((int) MAX_REQUEST)) / UNIT * UNIT));
                cost = Math.min(cost, MAX_REQUEST);
                charges.add(new Charge(at(d, Math.min(minute / 60, 23), minute % 60), user, feature(d), cost));
                left -= cost;
                minute += 20 + random.nextInt(120);
            }
        }
        // the total's odd thousandths (none in the demo's figures) on the last charge, so nothing is lost
        long odd = total - units * UNIT;
        if (odd > 0 && !charges.isEmpty()) {
            var last = charges.removeLast();
            charges.add(new Charge(last.at(), user, last.feature(), last.thousandths() + odd));
        }
        return charges;
    }

    /** Canvas steady, supplier-summary growing, demand-forecast from its launch, a little translation. */
    private String feature(int day) {
        double canvas = 1.0;
        double summary = 0.15 + 1.3 * day / (DAYS - 1.0);
        double forecast = day >= LAUNCH_DAY ? 1.1 : 0;
        double translate = 0.25;
        double pick = random.nextDouble() * (canvas + summary + forecast + translate);
        if ((pick -= canvas) < 0) {
            return "canvas";
        }
        if ((pick -= summary) < 0) {
            return "supplier-summary";
        }
        if ((pick -= forecast) < 0) {
            return "demand-forecast";
        }
        return "translate";
    }
}
