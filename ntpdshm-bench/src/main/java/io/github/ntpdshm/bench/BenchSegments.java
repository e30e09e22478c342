/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.spi.Unavailability;

import java.security.SecureRandom;

/** Private keys for benchmarks (never the real 0x4E545030+unit), and the check that a backend can run here. */
final class BenchSegments {

    /** The unit every benchmark uses under its own key base. */
    static final int UNIT = 0;

    private BenchSegments() {
    }

    /** A fresh random key base in {@code 0x6E700000..0x6E7FFF00}, as the conformance suite uses. */
    static int randomKeyBase() {
        return 0x6E700000 | (new SecureRandom().nextInt(0x1000) << 8);
    }

    /** Options for a new read-write segment of {@code backend} under a private key base. */
    static ShmOptions options(String backend, int keyBase) {
        return ShmOptions.builder(UNIT).keyBase(keyBase).backend(backend).permissions(0600).build();
    }

    /**
     * Fails the trial with the reason when {@code backend} cannot work in this JVM; run.sh passes only the
     * available ones ({@code -p backend=...}), so this shows only when a backend is asked for by hand.
     */
    static void requireAvailable(String backend) {
        for (ShmBackends.Candidate c : ShmBackends.candidates()) {
            if (c.name().equals(backend)) {
                if (!c.isAvailable()) {
                    throw new UnsupportedOperationException("backend " + backend + " cannot run on Java "
                            + Runtime.version() + ": " + c.unavailabilityCause().map(Unavailability::reason).orElse("?")
                            + "; leave it out with -p backend=" + Backends.available());
                }
                return;
            }
        }
        throw new UnsupportedOperationException("backend " + backend + " is not in benchmarks.jar (found: "
                + ShmBackends.candidates() + "); add its dependency to ntpdshm-bench/pom.xml, or leave it out with"
                + " -p backend=" + Backends.available());
    }

    /** Removes the segment and closes the handle, whatever happened before. */
    static void removeAndClose(NtpdShm shm) {
        if (shm == null) {
            return;
        }
        try {
            shm.removeSegment();
        } finally {
            shm.close();
        }
    }
}
