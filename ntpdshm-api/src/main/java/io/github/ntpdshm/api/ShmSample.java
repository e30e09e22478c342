/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.internal.Nanos;
import io.github.ntpdshm.internal.Texts;

import java.time.Duration;
import java.time.Instant;

/**
 * One sample as a reader saw it: every field of {@code struct shmTime} except {@code valid} and {@code dummy},
 * copied at one moment. Immutable.
 *
 * <p>{@link #clockTimeStamp()} and {@link #receiveTimeStamp()} apply ntpd's rule: the nanosecond fields are used
 * only when both agree with the microsecond fields ({@code NSec / 1000 == USec}); otherwise microseconds are.
 *
 * <p>A sample holds whatever the segment held: a hostile or garbage segment can have seconds beyond what
 * {@link Instant} represents. Reading such a sample and {@link #toString()} never throw ({@code toString()} says
 * "out of range"); {@link #timeStampsInRange()} tells whether the {@code Instant} getters can be called, and the
 * offset saturates at {@link Long#MIN_VALUE}/{@link Long#MAX_VALUE} nanoseconds instead of wrapping.
 */
public final class ShmSample {
    private final int mode;
    private final int count;
    private final long clockTimeStampSec;
    private final int clockTimeStampUSec;
    private final long clockTimeStampNSec;
    private final long receiveTimeStampSec;
    private final int receiveTimeStampUSec;
    private final long receiveTimeStampNSec;
    private final int leap;
    private final int precision;
    private final int nsamples;

    /**
     * A sample from raw field values, each named as in {@code struct shmTime}.
     *
     * @param mode                 0 or 1
     * @param count                {@code count} as read before the copy
     * @param clockTimeStampSec    the reference clock's seconds
     * @param clockTimeStampUSec   its microseconds
     * @param clockTimeStampNSec   its nanoseconds, the unsigned C value
     * @param receiveTimeStampSec  the system clock's seconds when the sample was taken
     * @param receiveTimeStampUSec its microseconds
     * @param receiveTimeStampNSec its nanoseconds, the unsigned C value
     * @param leap                 0 no warning, 1 add a second, 2 delete a second, 3 not in sync
     * @param precision            log2 seconds
     * @param nsamples             {@code nsamples}
     */
    public ShmSample(int mode, int count,
                     long clockTimeStampSec, int clockTimeStampUSec, long clockTimeStampNSec,
                     long receiveTimeStampSec, int receiveTimeStampUSec, long receiveTimeStampNSec,
                     int leap, int precision, int nsamples) {
        this.mode = mode;
        this.count = count;
        this.clockTimeStampSec = clockTimeStampSec;
        this.clockTimeStampUSec = clockTimeStampUSec;
        this.clockTimeStampNSec = clockTimeStampNSec;
        this.receiveTimeStampSec = receiveTimeStampSec;
        this.receiveTimeStampUSec = receiveTimeStampUSec;
        this.receiveTimeStampNSec = receiveTimeStampNSec;
        this.leap = leap;
        this.precision = precision;
        this.nsamples = nsamples;
    }

    /** {@return {@code mode}: 0 (no torn-read protection) or 1 (count-protected)} */
    public int mode() {
        return mode;
    }

    /** {@return {@code count} as read before the copy} */
    public int count() {
        return count;
    }

    /** {@return {@code clockTimeStampSec}: the reference clock's time ("real")} */
    public long clockTimeStampSec() {
        return clockTimeStampSec;
    }

    /** {@return {@code clockTimeStampUSec}} */
    public int clockTimeStampUSec() {
        return clockTimeStampUSec;
    }

    /** {@return {@code clockTimeStampNSec}, unsigned} */
    public long clockTimeStampNSec() {
        return clockTimeStampNSec;
    }

    /** {@return {@code receiveTimeStampSec}: the system clock when the sample was taken ("clock")} */
    public long receiveTimeStampSec() {
        return receiveTimeStampSec;
    }

    /** {@return {@code receiveTimeStampUSec}} */
    public int receiveTimeStampUSec() {
        return receiveTimeStampUSec;
    }

    /** {@return {@code receiveTimeStampNSec}, unsigned} */
    public long receiveTimeStampNSec() {
        return receiveTimeStampNSec;
    }

    /** {@return {@code leap}: 0 no warning, 1 add a second, 2 delete a second, 3 not in sync} */
    public int leap() {
        return leap;
    }

    /** {@return {@code precision}: log2 seconds} */
    public int precision() {
        return precision;
    }

    /** {@return {@code nsamples}} */
    public int nsamples() {
        return nsamples;
    }

    /** {@return whether the nanosecond fields agree with the microsecond ones, so that a reader uses them} */
    public boolean hasNanoseconds() {
        return hasNanoseconds(clockTimeStampUSec, clockTimeStampNSec, receiveTimeStampUSec, receiveTimeStampNSec);
    }

    /** {@return nanoseconds of the clock time stamp as ntpd takes them} */
    public long clockNanos() {
        return hasNanoseconds() ? clockTimeStampNSec : clockTimeStampUSec * 1000L;
    }

    /** {@return nanoseconds of the receive time stamp as ntpd takes them} */
    public long receiveNanos() {
        return hasNanoseconds() ? receiveTimeStampNSec : receiveTimeStampUSec * 1000L;
    }

    // ntpd's rule, in one place for ShmSample and Mutable.
    static boolean hasNanoseconds(int clockUSec, long clockNSec, int receiveUSec, long receiveNSec) {
        return clockNSec / 1000 == clockUSec && receiveNSec / 1000 == receiveUSec;
    }

    /**
     * {@return whether both time stamps' seconds are within {@link Instant}'s range, so that
     * {@link #clockTimeStamp()} and {@link #receiveTimeStamp()} do not throw} Always true for samples our writer
     * published.
     */
    public boolean timeStampsInRange() {
        return inInstantRange(clockTimeStampSec) && inInstantRange(receiveTimeStampSec);
    }

    /**
     * {@return the reference clock's time ("real"), at nanosecond resolution where the writer gave it}
     *
     * @throws java.time.DateTimeException if {@code clockTimeStampSec} is beyond {@link Instant}'s range (a hostile
     *                                     or garbage segment); {@link #timeStampsInRange()} tells beforehand
     */
    public Instant clockTimeStamp() {
        return Instant.ofEpochSecond(clockTimeStampSec, clockNanos());
    }

    /**
     * {@return the system clock's time when the sample was taken ("clock")}
     *
     * @throws java.time.DateTimeException if {@code receiveTimeStampSec} is beyond {@link Instant}'s range;
     *                                     {@link #timeStampsInRange()} tells beforehand
     */
    public Instant receiveTimeStamp() {
        return Instant.ofEpochSecond(receiveTimeStampSec, receiveNanos());
    }

    /**
     * {@return how far the reference clock is ahead of the system clock: clock minus receive time stamp, in
     * nanoseconds} Saturates at {@link Long#MAX_VALUE} or {@link Long#MIN_VALUE} (about 292 years) with the right
     * sign.
     */
    public long offsetNanos() {
        return Nanos.difference(clockTimeStampSec, clockNanos(), receiveTimeStampSec, receiveNanos());
    }

    /** {@return {@link #offsetNanos()} as a duration; negative when the reference clock is behind} */
    public Duration offset() {
        return Duration.ofNanos(offsetNanos());
    }

    /**
     * Whether nanoseconds are a saturated value of a difference, as {@link #offsetNanos()} gives, i.e. out of range.
     *
     * @param nanos a difference in nanoseconds, such as {@link #offsetNanos()}
     * @return true for {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}
     */
    public static boolean isSaturated(long nanos) {
        return nanos == Long.MIN_VALUE || nanos == Long.MAX_VALUE;
    }

    static boolean inInstantRange(long sec) {
        return sec >= Instant.MIN.getEpochSecond() && sec <= Instant.MAX.getEpochSecond();
    }

    /** An ISO-8601 time stamp, or {@code (out of range: N s)} when beyond {@link Instant}'s. */
    static String timeStamp(long sec, long nanos) {
        return inInstantRange(sec) ? Instant.ofEpochSecond(sec, nanos).toString() : "(out of range: " + sec + " s)";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ShmSample)) {
            return false;
        }
        ShmSample s = (ShmSample) o;
        return mode == s.mode && count == s.count
                && clockTimeStampSec == s.clockTimeStampSec && clockTimeStampUSec == s.clockTimeStampUSec
                && clockTimeStampNSec == s.clockTimeStampNSec
                && receiveTimeStampSec == s.receiveTimeStampSec && receiveTimeStampUSec == s.receiveTimeStampUSec
                && receiveTimeStampNSec == s.receiveTimeStampNSec
                && leap == s.leap && precision == s.precision && nsamples == s.nsamples;
    }

    @Override
    public int hashCode() {
        long h = clockTimeStampSec * 31 + clockTimeStampNSec;
        h = h * 31 + receiveTimeStampSec;
        h = h * 31 + receiveTimeStampNSec;
        h = h * 31 + count;
        return Long.hashCode(h * 31 + leap * 7 + precision);
    }

    /** E.g. {@code clock=2026-11-24T01:00:00.000000001Z receive=... offset=-1.000000000s leap=0 precision=-20 mode=1 count=8}. */
    @Override
    public String toString() {
        long offset = offsetNanos();
        return "ShmSample[clock=" + timeStamp(clockTimeStampSec, clockNanos())
                + " receive=" + timeStamp(receiveTimeStampSec, receiveNanos())
                + " offset=" + (isSaturated(offset) ? "(out of range)" : Texts.seconds(offset) + "s") + " leap=" + leap + " precision=" + precision
                + " mode=" + mode + " count=" + count + " nsamples=" + nsamples
                + (hasNanoseconds() ? "" : " (microseconds only)") + "]";
    }

    /**
     * A caller-owned sample that {@link NtpdShm#peek(Mutable)} and {@link NtpdShm#consume(Mutable)} fill in place,
     * for readers that poll often and must not allocate: such a read allocates nothing (0 B per read), where
     * {@link NtpdShm#peek()} allocates a {@link ShmRead} and a {@link ShmSample} for every sample it returns.
     *
     * <p>Its getters mean what {@link ShmSample}'s do and hold the last sample read with status
     * {@link ShmRead.Status#OK}; a read with any other status leaves them as they were. Not thread-safe: use one
     * per reading thread. {@link #toSample()} gives an immutable copy to keep.
     *
     * <pre>{@code
     * ShmSample.Mutable s = new ShmSample.Mutable();
     * if (monitor.peek(s) == ShmRead.Status.OK) {
     *     record(s.offsetNanos());
     * }
     * }</pre>
     */
    public static final class Mutable {
        private boolean filled;
        private int mode;
        private int count;
        private long clockTimeStampSec;
        private int clockTimeStampUSec;
        private long clockTimeStampNSec;
        private long receiveTimeStampSec;
        private int receiveTimeStampUSec;
        private long receiveTimeStampNSec;
        private int leap;
        private int precision;
        private int nsamples;
        // What the last read saw whatever its status, for the allocating reads' ShmRead: not part of the sample.
        int readMode;
        int readCountBefore;
        int readCountAfter;

        /** An empty holder: {@link #isFilled()} is false until a read returns OK. */
        public Mutable() {
        }

        void set(int mode, int count, long clockSec, int clockUSec, long clockNSec, long receiveSec, int receiveUSec,
                 long receiveNSec, int leap, int precision, int nsamples) {
            this.filled = true;
            this.mode = mode;
            this.count = count;
            this.clockTimeStampSec = clockSec;
            this.clockTimeStampUSec = clockUSec;
            this.clockTimeStampNSec = clockNSec;
            this.receiveTimeStampSec = receiveSec;
            this.receiveTimeStampUSec = receiveUSec;
            this.receiveTimeStampNSec = receiveNSec;
            this.leap = leap;
            this.precision = precision;
            this.nsamples = nsamples;
        }

        void set(ShmSample s) {
            set(s.mode, s.count, s.clockTimeStampSec, s.clockTimeStampUSec, s.clockTimeStampNSec,
                    s.receiveTimeStampSec, s.receiveTimeStampUSec, s.receiveTimeStampNSec, s.leap, s.precision,
                    s.nsamples);
        }

        /** {@return whether a read has filled it yet} */
        public boolean isFilled() {
            return filled;
        }

        /** {@return {@code mode}: 0 (no torn-read protection) or 1 (count-protected)} */
        public int mode() {
            return mode;
        }

        /** {@return {@code count} as read before the copy} */
        public int count() {
            return count;
        }

        /** {@return {@code clockTimeStampSec}: the reference clock's time ("real")} */
        public long clockTimeStampSec() {
            return clockTimeStampSec;
        }

        /** {@return {@code clockTimeStampUSec}} */
        public int clockTimeStampUSec() {
            return clockTimeStampUSec;
        }

        /** {@return {@code clockTimeStampNSec}, unsigned} */
        public long clockTimeStampNSec() {
            return clockTimeStampNSec;
        }

        /** {@return {@code receiveTimeStampSec}: the system clock when the sample was taken ("clock")} */
        public long receiveTimeStampSec() {
            return receiveTimeStampSec;
        }

        /** {@return {@code receiveTimeStampUSec}} */
        public int receiveTimeStampUSec() {
            return receiveTimeStampUSec;
        }

        /** {@return {@code receiveTimeStampNSec}, unsigned} */
        public long receiveTimeStampNSec() {
            return receiveTimeStampNSec;
        }

        /** {@return {@code leap}: 0 no warning, 1 add a second, 2 delete a second, 3 not in sync} */
        public int leap() {
            return leap;
        }

        /** {@return {@code precision}: log2 seconds} */
        public int precision() {
            return precision;
        }

        /** {@return {@code nsamples}} */
        public int nsamples() {
            return nsamples;
        }

        /** {@return whether the nanosecond fields agree with the microsecond ones, so that a reader uses them} */
        public boolean hasNanoseconds() {
            return ShmSample.hasNanoseconds(clockTimeStampUSec, clockTimeStampNSec, receiveTimeStampUSec,
                    receiveTimeStampNSec);
        }

        /** {@return nanoseconds of the clock time stamp as ntpd takes them} */
        public long clockNanos() {
            return hasNanoseconds() ? clockTimeStampNSec : clockTimeStampUSec * 1000L;
        }

        /** {@return nanoseconds of the receive time stamp as ntpd takes them} */
        public long receiveNanos() {
            return hasNanoseconds() ? receiveTimeStampNSec : receiveTimeStampUSec * 1000L;
        }

        /**
         * {@return how far the reference clock is ahead of the system clock, in nanoseconds, as
         * {@link ShmSample#offsetNanos()}}
         */
        public long offsetNanos() {
            return Nanos.difference(clockTimeStampSec, clockNanos(), receiveTimeStampSec, receiveNanos());
        }

        /**
         * An immutable copy.
         *
         * @return the sample last read
         * @throws IllegalStateException if no read has filled it yet
         */
        public ShmSample toSample() {
            if (!filled) {
                throw new IllegalStateException("no sample read into this holder yet; check the status the read"
                        + " returned is OK first");
            }
            return new ShmSample(mode, count, clockTimeStampSec, clockTimeStampUSec, clockTimeStampNSec,
                    receiveTimeStampSec, receiveTimeStampUSec, receiveTimeStampNSec, leap, precision, nsamples);
        }

        /** As {@link ShmSample#toString()}, or {@code ShmSample.Mutable[empty]}. */
        @Override
        public String toString() {
            return filled ? toSample().toString() : "ShmSample.Mutable[empty]";
        }
    }
}
