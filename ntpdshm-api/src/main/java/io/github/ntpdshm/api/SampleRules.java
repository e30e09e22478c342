/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import java.time.Instant;

/**
 * What a sample must be before any transport writes it (times since 1970 that fit the {@code time_t} and that
 * every reader can represent, nanoseconds, leap, precision), and seconds given as a {@code double} split into
 * whole seconds and nanoseconds. Shared by the SHM handle and the SOCK writer, so both refuse the same values
 * with the same words.
 */
final class SampleRules {

    static final int NANOS_PER_SECOND = 1_000_000_000;
    /** The latest seconds a sample may carry: {@link Instant}'s, so that every reader can represent it. */
    static final long MAX_SAMPLE_SECONDS = Instant.MAX.getEpochSecond();

    private SampleRules() {
    }

    /** A sample's time stamp: since 1970, fits the layout's {@code time_t} and {@link Instant}, 0..999999999 ns. */
    static void checkTime(ShmLayout layout, String what, long sec, int nanos) {
        if (sec < 0) {
            throw new IllegalArgumentException(what + " time " + sec + " s is before 1970; a sample needs a time"
                    + " since the epoch");
        }
        if (sec > MAX_SAMPLE_SECONDS) {
            throw tooLate(what, Long.toString(sec));
        }
        if (sec > layout.maxSeconds()) {
            throw new IllegalArgumentException(what + " time " + sec + " s does not fit layout " + layout.label()
                    + ": its time_t ends at " + layout.maxSeconds() + " (" + Instant.ofEpochSecond(layout.maxSeconds())
                    + ")");
        }
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw new IllegalArgumentException(what + " nanoseconds " + nanos + " are out of range 0..999999999");
        }
    }

    /** Seconds since the epoch as a {@code double}: finite, not negative, within {@link Instant}'s range. */
    static void checkSeconds(String what, double t) {
        if (Double.isNaN(t) || Double.isInfinite(t) || t < 0) {
            throw new IllegalArgumentException(what + " time " + t + " is not a time: give seconds since the epoch,"
                    + " finite and not negative");
        }
        if (t >= MAX_SAMPLE_SECONDS + 1.0) {
            throw tooLate(what, Double.toString(t));
        }
    }

    private static IllegalArgumentException tooLate(String what, String sec) {
        return new IllegalArgumentException(what + " time " + sec + " s is beyond " + MAX_SAMPLE_SECONDS + " s ("
                + Instant.MAX + "), the latest time java.time.Instant and the daemons' readers can represent");
    }

    static void checkLeap(int leap) {
        if (leap < 0 || leap > 3) {
            throw new IllegalArgumentException("leap " + leap + " is out of range 0..3 (0 no warning, 1 add a second,"
                    + " 2 delete a second, 3 not in sync)");
        }
    }

    static void checkPrecision(int precision) {
        if (precision < NtpdShm.MIN_PRECISION || precision > NtpdShm.MAX_PRECISION) {
            throw new IllegalArgumentException("precision " + precision + " is out of range " + NtpdShm.MIN_PRECISION
                    + ".." + NtpdShm.MAX_PRECISION + " (log2 seconds: -20 is about 1 microsecond, -10 about 1"
                    + " millisecond)");
        }
    }

    // Seconds since the epoch as a double, split into whole seconds and nanoseconds rounded to the nearest; a
    // fraction that rounds up to a whole second carries into the seconds.

    static long wholeSeconds(double t) {
        long sec = (long) Math.floor(t);
        return roundedNanos(t, sec) == NANOS_PER_SECOND ? sec + 1 : sec;
    }

    static int nanosOf(double t) {
        int nanos = roundedNanos(t, (long) Math.floor(t));
        return nanos == NANOS_PER_SECOND ? 0 : nanos;
    }

    private static int roundedNanos(double t, long floor) {
        return (int) Math.round((t - floor) * 1e9);
    }
}
