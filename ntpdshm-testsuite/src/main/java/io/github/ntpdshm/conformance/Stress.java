/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmSample;

/**
 * The samples of the reliability group, numbered: sample v has six time fields that depend on v in a way no mix of
 * two samples keeps, the same relation as {@code shmstress.c}'s. And the group's sizes: short in CI, long in a soak.
 */
public final class Stress {

    /** 2023-11-14: inside every layout's {@code time_t} for every v. */
    static final long T0 = 1_700_000_000L;
    /** Sample numbers wrap here, so that {@code T0 + v + 1} stays inside a 32-bit {@code time_t}. */
    static final long WRAP = 400_000_000L;

    private Stress() {
    }

    /** {@return whether the soak was asked for: {@code -Dntpdshm.soak=true} or {@code NTPDSHM_SOAK=1}} */
    public static boolean soak() {
        return Boolean.getBoolean("ntpdshm.soak") || "1".equals(System.getenv("NTPDSHM_SOAK"));
    }

    /** CI's figure, or the soak's. */
    static int size(int ci, int soak) {
        return soak() ? soak : ci;
    }

    static int clockNanos(long v) {
        return (int) ((v * 2_654_435_761L) % 1_000_000_000L);
    }

    static int receiveNanos(long v) {
        return (int) ((v * 40_503L + 12_345L) % 1_000_000_000L);
    }

    /** The sample after {@code v}. */
    static long next(long v) {
        return v >= WRAP ? 1 : v + 1;
    }

    /** The first sample number of a writer that continues from the unit's count, as shmstress's does. */
    static long firstAfter(int count) {
        return Integer.toUnsignedLong(count) / 2 % WRAP + 1;
    }

    /** Publishes sample v with the safe path. */
    static void publish(NtpdShm shm, long v) {
        shm.update(T0 + v, clockNanos(v), T0 + v + 1, receiveNanos(v));
    }

    /** Whether a sample is one of the numbered samples, whole. */
    static boolean consistent(ShmSample.Mutable s) {
        long v = s.clockTimeStampSec() - T0;
        return v >= 1 && v <= WRAP
                && s.clockTimeStampNSec() == clockNanos(v) && s.clockTimeStampUSec() == clockNanos(v) / 1000
                && s.receiveTimeStampSec() == T0 + v + 1
                && s.receiveTimeStampNSec() == receiveNanos(v) && s.receiveTimeStampUSec() == receiveNanos(v) / 1000;
    }
}
