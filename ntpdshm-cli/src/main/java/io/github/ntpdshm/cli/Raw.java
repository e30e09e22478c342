/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.internal.Nanos;

import java.time.Instant;

/** Every field of a unit through the raw getters, retried while a writer is mid-sample. Never writes. */
final class Raw {
    final ShmSample sample;
    final boolean valid;
    /**
     * Whether {@code count} moved or {@code valid} dropped during every try: the values may mix two samples. An
     * odd {@code count} that stays put is not torn: a writer that died between its two increments leaves it so.
     */
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
            boolean validBefore = h.isValid();
            ShmSample s = new ShmSample(h.getMode(), before,
                    h.getClockTimeStampSec(), h.getClockTimeStampUSec(), h.getClockTimeStampNSec(),
                    h.getReceiveTimeStampSec(), h.getReceiveTimeStampUSec(), h.getReceiveTimeStampNSec(),
                    h.getLeap(), h.getPrecision(), h.getNsamples());
            boolean valid = h.isValid();
            boolean torn = s.mode() == 1 && (h.getCount() != before || (validBefore && !valid));
            last = new Raw(s, valid, torn);
            if (!torn) {
                break;
            }
            Thread.yield();
        }
        return last;
    }

    /** now - receive time in nanoseconds, saturating (a garbage receive time is centuries away). */
    long ageNanos() {
        return ageNanos(Instant.now());
    }

    long ageNanos(Instant now) {
        return Nanos.difference(now.getEpochSecond(), now.getNano(), sample.receiveTimeStampSec(),
                sample.receiveNanos());
    }

    /** Whether anything was ever written (ntpd's initialisation leaves the time stamps 0). */
    boolean everWritten() {
        return sample.receiveTimeStampSec() != 0 || sample.receiveTimeStampUSec() != 0 || sample.count() != 0;
    }
}
