/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.internal.Texts;
import java.time.Instant;

/**
 * One sample as a reader saw it, copied at one moment: the fields and getters of {@link ShmSampleView}. Immutable:
 * its constructor sets the fields and nothing changes them after. They are inherited, not {@code final}, so hand a
 * sample to another thread as any object (through a final or volatile field, a concurrent collection, a lock).
 *
 * <p>A sample holds whatever the segment held: a hostile or garbage segment can have seconds beyond what
 * {@link Instant} represents. Reading such a sample and {@link #toString()} never throw ({@code toString()} says
 * "out of range"); {@link #timeStampsInRange()} tells whether the {@code Instant} getters can be called, and the
 * offset saturates at {@link Long#MIN_VALUE}/{@link Long#MAX_VALUE} nanoseconds instead of wrapping.
 */
public final class ShmSample extends ShmSampleView {

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
        setFields(mode, count, clockTimeStampSec, clockTimeStampUSec, clockTimeStampNSec, receiveTimeStampSec,
                receiveTimeStampUSec, receiveTimeStampNSec, leap, precision, nsamples);
    }

    /**
     * Whether nanoseconds are a saturated value of a difference, as {@link ShmSampleView#offsetNanos()} gives, i.e.
     * out of range.
     *
     * @param nanos a difference in nanoseconds, such as {@link ShmSampleView#offsetNanos()}
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
     * {@link NtpdShm#peek()} allocates a holder like this one, a {@link ShmRead} and, for a sample, a
     * {@link ShmSample}.
     *
     * <p>Its getters are {@link ShmSampleView}'s, as {@link ShmSample}'s are, and hold the last sample read with
     * status {@link ShmRead.Status#OK}; a read with any other status leaves them as they were. Not thread-safe: use one
     * per reading thread. {@link #toSample()} gives an immutable copy to keep.
     *
     * <pre>{@code
     * ShmSample.Mutable s = new ShmSample.Mutable();
     * if (monitor.peek(s) == ShmRead.Status.OK) {
     *     record(s.offsetNanos());
     * }
     * }</pre>
     */
    public static final class Mutable extends ShmSampleView {
        private boolean filled;
        // What the last read saw whatever its status, for the allocating reads' ShmRead: not part of the sample.
        int readMode;
        int readCountBefore;
        int readCountAfter;

        /** An empty holder: {@link #isFilled()} is false until a read returns OK. */
        public Mutable() {
        }

        void set(int mode, int count, long clockSec, int clockUSec, long clockNSec, long receiveSec, int receiveUSec,
                 long receiveNSec, int leap, int precision, int nsamples) {
            filled = true;
            setFields(mode, count, clockSec, clockUSec, clockNSec, receiveSec, receiveUSec, receiveNSec, leap,
                    precision, nsamples);
        }

        /** {@return whether a read has filled it yet} */
        public boolean isFilled() {
            return filled;
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
