/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.internal.Nanos;
import java.time.Duration;
import java.time.Instant;

/**
 * A sample read-only: every field of {@code struct shmTime} except {@code valid} and {@code dummy}, and what
 * ntpd makes of them. {@link ShmSample} (immutable, to keep) and {@link ShmSample.Mutable} (a holder a read fills
 * in place) are the only two (the constructor is not public), so code that only looks at a sample takes either.
 *
 * <p>The time stamps apply ntpd's rule: the nanosecond fields are used only when both agree with the microsecond
 * fields ({@code NSec / 1000 == USec}); otherwise microseconds are. The getters of fields and nanoseconds, and
 * {@link #offsetNanos()}, allocate nothing; {@link #clockTimeStamp()}, {@link #receiveTimeStamp()} and
 * {@link #offset()} allocate the object they return.
 */
public abstract class ShmSampleView {
    int mode;
    int count;
    long clockTimeStampSec;
    int clockTimeStampUSec;
    long clockTimeStampNSec;
    long receiveTimeStampSec;
    int receiveTimeStampUSec;
    long receiveTimeStampNSec;
    int leap;
    int precision;
    int nsamples;

    ShmSampleView() {
    }

    final void setFields(int mode, int count, long clockSec, int clockUSec, long clockNSec, long receiveSec,
                         int receiveUSec, long receiveNSec, int leap, int precision, int nsamples) {
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

    /** {@return {@code mode}: 0 (no torn-read protection) or 1 (count-protected)} */
    public final int mode() {
        return mode;
    }

    /** {@return {@code count} as read before the copy} */
    public final int count() {
        return count;
    }

    /** {@return {@code clockTimeStampSec}: the reference clock's time ("real")} */
    public final long clockTimeStampSec() {
        return clockTimeStampSec;
    }

    /** {@return {@code clockTimeStampUSec}} */
    public final int clockTimeStampUSec() {
        return clockTimeStampUSec;
    }

    /** {@return {@code clockTimeStampNSec}, unsigned} */
    public final long clockTimeStampNSec() {
        return clockTimeStampNSec;
    }

    /** {@return {@code receiveTimeStampSec}: the system clock when the sample was taken ("clock")} */
    public final long receiveTimeStampSec() {
        return receiveTimeStampSec;
    }

    /** {@return {@code receiveTimeStampUSec}} */
    public final int receiveTimeStampUSec() {
        return receiveTimeStampUSec;
    }

    /** {@return {@code receiveTimeStampNSec}, unsigned} */
    public final long receiveTimeStampNSec() {
        return receiveTimeStampNSec;
    }

    /** {@return {@code leap}: 0 no warning, 1 add a second, 2 delete a second, 3 not in sync} */
    public final int leap() {
        return leap;
    }

    /** {@return {@code precision}: log2 seconds} */
    public final int precision() {
        return precision;
    }

    /** {@return {@code nsamples}} */
    public final int nsamples() {
        return nsamples;
    }

    /** {@return whether the nanosecond fields agree with the microsecond ones, so that a reader uses them} */
    public final boolean hasNanoseconds() {
        return clockTimeStampNSec / 1000 == clockTimeStampUSec && receiveTimeStampNSec / 1000 == receiveTimeStampUSec;
    }

    /** {@return nanoseconds of the clock time stamp as ntpd takes them} */
    public final long clockNanos() {
        return hasNanoseconds() ? clockTimeStampNSec : clockTimeStampUSec * 1000L;
    }

    /** {@return nanoseconds of the receive time stamp as ntpd takes them} */
    public final long receiveNanos() {
        return hasNanoseconds() ? receiveTimeStampNSec : receiveTimeStampUSec * 1000L;
    }

    /**
     * {@return how far the reference clock is ahead of the system clock: clock minus receive time stamp, in
     * nanoseconds} Saturates at {@link Long#MAX_VALUE} or {@link Long#MIN_VALUE} (about 292 years) with the right
     * sign.
     */
    public final long offsetNanos() {
        return Nanos.difference(clockTimeStampSec, clockNanos(), receiveTimeStampSec, receiveNanos());
    }

    /** {@return {@link #offsetNanos()} as a duration; negative when the reference clock is behind} */
    public final Duration offset() {
        return Duration.ofNanos(offsetNanos());
    }

    /**
     * {@return whether both time stamps' seconds are within {@link Instant}'s range, so that
     * {@link #clockTimeStamp()} and {@link #receiveTimeStamp()} do not throw} Always true for samples our writer
     * published.
     */
    public final boolean timeStampsInRange() {
        return ShmSample.inInstantRange(clockTimeStampSec) && ShmSample.inInstantRange(receiveTimeStampSec);
    }

    /**
     * {@return the reference clock's time ("real"), at nanosecond resolution where the writer gave it}
     *
     * @throws java.time.DateTimeException if {@code clockTimeStampSec} is beyond {@link Instant}'s range (a hostile
     *                                     or garbage segment); {@link #timeStampsInRange()} tells beforehand
     */
    public final Instant clockTimeStamp() {
        return Instant.ofEpochSecond(clockTimeStampSec, clockNanos());
    }

    /**
     * {@return the system clock's time when the sample was taken ("clock")}
     *
     * @throws java.time.DateTimeException if {@code receiveTimeStampSec} is beyond {@link Instant}'s range;
     *                                     {@link #timeStampsInRange()} tells beforehand
     */
    public final Instant receiveTimeStamp() {
        return Instant.ofEpochSecond(receiveTimeStampSec, receiveNanos());
    }
}
