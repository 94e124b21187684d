package com.aicredits.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The period arithmetic with a fixed clock: where a period starts, and when the next one does. */
class CalendarTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");

    private static Calendar at(String instant) {
        return new Calendar(Clock.fixed(Instant.parse(instant), UTC));
    }

    private static LocalDate day(String text) {
        return LocalDate.parse(text);
    }

    @Nested
    class Months {

        @Test
        void a_month_starts_on_the_first_and_the_next_one_on_the_first_after_it() {
            var calendar = at("2026-01-31T23:59:59Z");
            assertThat(calendar.currentStart(Period.MONTHLY, UTC)).isEqualTo(day("2026-01-01"));
            assertThat(calendar.nextStart(Period.MONTHLY, UTC)).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        }

        @Test
        void the_31st_belongs_to_its_own_month_and_midnight_to_the_next() {
            assertThat(at("2026-03-31T12:00:00Z").currentStart(Period.MONTHLY, UTC)).isEqualTo(day("2026-03-01"));
            assertThat(at("2026-04-01T00:00:00Z").currentStart(Period.MONTHLY, UTC)).isEqualTo(day("2026-04-01"));
            assertThat(at("2026-03-31T23:59:59.999Z").nextStart(Period.MONTHLY, UTC))
                    .isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        }

        @Test
        void february_ends_on_the_28th_and_in_a_leap_year_on_the_29th() {
            assertThat(at("2026-02-28T23:00:00Z").nextStart(Period.MONTHLY, UTC)).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
            assertThat(at("2028-02-29T23:00:00Z").currentStart(Period.MONTHLY, UTC)).isEqualTo(day("2028-02-01"));
            assertThat(at("2028-02-29T23:00:00Z").nextStart(Period.MONTHLY, UTC)).isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));
        }

        @Test
        void december_is_followed_by_january_of_the_next_year() {
            assertThat(at("2026-12-31T23:59:00Z").nextStart(Period.MONTHLY, UTC)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        }
    }

    @Nested
    class Weeks {

        @Test
        void a_week_starts_on_monday() {
            // 2026-12-02 is a Wednesday; Sunday 2026-12-06 is still in the same week
            assertThat(at("2026-12-02T10:00:00Z").currentStart(Period.WEEKLY, UTC)).isEqualTo(day("2026-11-30"));
            assertThat(at("2026-12-06T23:59:59Z").currentStart(Period.WEEKLY, UTC)).isEqualTo(day("2026-11-30"));
            assertThat(at("2026-12-07T00:00:00Z").currentStart(Period.WEEKLY, UTC)).isEqualTo(day("2026-12-07"));
            assertThat(at("2026-12-02T10:00:00Z").nextStart(Period.WEEKLY, UTC)).isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
        }

        @Test
        void a_week_may_span_two_months_and_two_years() {
            // Monday 2026-12-28 to Sunday 2027-01-03
            assertThat(at("2027-01-02T12:00:00Z").currentStart(Period.WEEKLY, UTC)).isEqualTo(day("2026-12-28"));
        }
    }

    @Nested
    class DaylightSaving {

        @Test
        void in_berlin_a_month_starts_at_local_midnight_before_and_after_the_clocks_go_forward() {
            // CET (+01:00) until 2026-03-29 02:00, then CEST (+02:00)
            assertThat(at("2026-02-15T00:00:00Z").nextStart(Period.MONTHLY, BERLIN)).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
            assertThat(at("2026-03-15T00:00:00Z").nextStart(Period.MONTHLY, BERLIN)).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
            // 22:30 UTC on March 31st is already April 1st in Berlin
            assertThat(at("2026-03-31T22:30:00Z").currentStart(Period.MONTHLY, BERLIN)).isEqualTo(day("2026-04-01"));
        }

        @Test
        void in_berlin_the_week_of_the_change_is_an_hour_short_and_the_one_in_october_an_hour_long() {
            var spring = at("2026-03-25T12:00:00Z");
            assertThat(spring.currentStart(Period.WEEKLY, BERLIN)).isEqualTo(day("2026-03-23"));
            Instant start = day("2026-03-23").atStartOfDay(BERLIN).toInstant();
            assertThat(Duration.between(start, spring.nextStart(Period.WEEKLY, BERLIN))).isEqualTo(Duration.ofHours(167));
            var autumn = at("2026-10-28T12:00:00Z");
            Instant octoberStart = day("2026-10-26").atStartOfDay(BERLIN).toInstant();
            // CEST until 2026-10-25 03:00: the week of Monday 2026-10-19 is the long one
            var weekOfChange = at("2026-10-21T12:00:00Z");
            Instant changeStart = day("2026-10-19").atStartOfDay(BERLIN).toInstant();
            assertThat(Duration.between(changeStart, weekOfChange.nextStart(Period.WEEKLY, BERLIN))).isEqualTo(Duration.ofHours(169));
            assertThat(autumn.nextStart(Period.WEEKLY, BERLIN)).isEqualTo(octoberStart.plus(Duration.ofDays(7)));
        }

        @Test
        void in_new_york_months_start_at_local_midnight_on_either_side_of_both_changes() {
            // EST (-05:00) until 2026-03-08 02:00, EDT (-04:00) until 2026-11-01 02:00
            assertThat(at("2026-03-10T00:00:00Z").currentStart(Period.MONTHLY, NEW_YORK)).isEqualTo(day("2026-03-01"));
            assertThat(at("2026-03-10T00:00:00Z").nextStart(Period.MONTHLY, NEW_YORK)).isEqualTo(Instant.parse("2026-04-01T04:00:00Z"));
            assertThat(at("2026-10-15T00:00:00Z").nextStart(Period.MONTHLY, NEW_YORK)).isEqualTo(Instant.parse("2026-11-01T04:00:00Z"));
            assertThat(at("2026-11-15T00:00:00Z").nextStart(Period.MONTHLY, NEW_YORK)).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
            // 03:00 UTC on November 1st is still October 31st in New York
            assertThat(at("2026-11-01T03:00:00Z").currentStart(Period.MONTHLY, NEW_YORK)).isEqualTo(day("2026-10-01"));
        }

        @Test
        void in_new_york_the_week_with_the_change_starts_and_ends_at_local_midnight() {
            // Monday 2026-03-02 00:00 EST to Monday 2026-03-09 00:00 EDT
            assertThat(at("2026-03-08T12:00:00Z").nextStart(Period.WEEKLY, NEW_YORK)).isEqualTo(Instant.parse("2026-03-09T04:00:00Z"));
            assertThat(at("2026-03-08T12:00:00Z").currentStart(Period.WEEKLY, NEW_YORK)).isEqualTo(day("2026-03-02"));
        }
    }

    @Nested
    class ChangingTheTimeZone {

        @Test
        void a_tenant_moving_east_mid_period_keeps_the_period_it_is_in() {
            var calendar = at("2026-12-15T12:00:00Z");
            assertThat(calendar.currentStart(Period.MONTHLY, UTC)).isEqualTo(calendar.currentStart(Period.MONTHLY, AUCKLAND));
        }

        @Test
        void at_the_edge_the_new_zone_may_already_be_in_the_next_period_but_never_back_in_one_it_left() {
            // 2026-12-31 12:00 UTC is 2027-01-01 01:00 in Auckland (+13:00)
            var calendar = at("2026-12-31T12:00:00Z");
            assertThat(calendar.currentStart(Period.MONTHLY, UTC)).isEqualTo(day("2026-12-01"));
            assertThat(calendar.currentStart(Period.MONTHLY, AUCKLAND)).isEqualTo(day("2027-01-01"));
            // Back from Auckland to UTC at that moment names December again: a grant keyed by December 1st exists
            // already, so the tenant is not granted December twice (AllowanceGrantsTest checks that end to end).
        }
    }
}
