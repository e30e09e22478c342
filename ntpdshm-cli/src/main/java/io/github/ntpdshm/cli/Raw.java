/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmSample;

import java.time.Instant;

/** Every field of a unit through the raw getters, retried while a writer is mid-sample. Never writes. */
final class Raw {
    final ShmSample sample;
    final boolean valid;
    /** Whether {@code count} was odd or moved during every try: the values may mix two samples. */
    final boolean torn;

    private Raw(ShmSample sample, boolean valid, boolean torn) {
        this.sample = sample;
        this.valid = valid;
        this.torn = torn;
    }

    static Raw read(NtpdShm h) {
        Raw last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int before = h.getCount();
            ShmSample s = new ShmSample(h.getMode(), before,
                    h.getClockTimeStampSec(), h.getClockTimeStampUSec(), h.getClockTimeStampNSec(),
                    h.getReceiveTimeStampSec(), h.getReceiveTimeStampUSec(), h.getReceiveTimeStampNSec(),
                    h.getLeap(), h.getPrecision(), h.getNsamples());
            boolean valid = h.isValid();
            boolean torn = s.mode() == 1 && ((before & 1) != 0 || h.getCount() != before);
            last = new Raw(s, valid, torn);
            if (!torn) {
                break;
            }
            Thread.yield();
        }
        return last;
    }

    /** The receive time stamp in epoch nanoseconds, saturating. */
    long receiveEpochNanos() {
        try {
            return Math.addExact(Math.multiplyExact(sample.receiveTimeStampSec(), 1_000_000_000L), sample.receiveNanos());
        } catch (ArithmeticException e) {
            return sample.receiveTimeStampSec() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** now - receive time in nanoseconds. */
    long ageNanos() {
        Instant now = Instant.now();
        long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long recv = receiveEpochNanos();
        if (recv == Long.MIN_VALUE || recv == Long.MAX_VALUE) {
            return recv == Long.MIN_VALUE ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return nowNanos - recv;
    }

    /** Whether anything was ever written (ntpd's initialisation leaves the time stamps 0). */
    boolean everWritten() {
        return sample.receiveTimeStampSec() != 0 || sample.receiveTimeStampUSec() != 0 || sample.count() != 0;
    }
}
