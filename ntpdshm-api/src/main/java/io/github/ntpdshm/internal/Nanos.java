/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.internal;

/** Differences of time stamps from a segment. Internal: exported only to ntpdshm's own modules. */
public final class Nanos {

    private Nanos() {
    }

    /**
     * {@code (aSec, aNanos) - (bSec, bNanos)} in nanoseconds, saturating at {@link Long#MIN_VALUE} and
     * {@link Long#MAX_VALUE}: seconds from a hostile segment may be anything a {@code time_t} holds.
     *
     * @param aSec   seconds of the first time
     * @param aNanos nanoseconds of the first time
     * @param bSec   seconds of the second time
     * @param bNanos nanoseconds of the second time
     * @return the difference in nanoseconds, saturated
     */
    public static long difference(long aSec, long aNanos, long bSec, long bNanos) {
        try {
            return Math.addExact(Math.multiplyExact(Math.subtractExact(aSec, bSec), 1_000_000_000L), aNanos - bNanos);
        } catch (ArithmeticException e) {
            // only hostile seconds get here, hundreds of years apart: the seconds alone decide the sign
            return aSec < bSec ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
