/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.probe;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.spi.Unavailability;

/**
 * Writes a sample through the backend named by the first argument to a new segment (key base and unit: the
 * second and third), reads it back through a second, read-only handle, removes the segment, and prints what it
 * saw, one fact a line; with no arguments it prints the candidates.
 */
public final class Probe {
    private Probe() {
    }

    /**
     * Entry point.
     *
     * @param args backend, key base, unit; or nothing
     */
    public static void main(String[] args) {
        for (ShmBackends.Candidate c : ShmBackends.candidates()) {
            System.out.println("CANDIDATE " + c.name() + " module=" + c.backend().getClass().getModule().getName()
                    + " cause=" + c.unavailabilityCause().map(Unavailability::reason).orElse(""));
        }
        if (args.length == 0) {
            return;
        }
        ShmOptions.Builder options = ShmOptions.builder(Integer.parseInt(args[2])).keyBase(Integer.decode(args[1]))
                .backend(args[0]);
        try (NtpdShm w = NtpdShm.open(options.create(true).build())) {
            try (NtpdShm r = NtpdShm.open(options.create(false).readOnly(true).build())) {
                w.update(1_795_000_000L, 123_456_789, 1_795_000_001L, 987_654_321);
                ShmRead read = r.peek();
                ShmSample s = read.sample().orElseThrow(() -> new AssertionError(read.toString()));
                System.out.println("WROTE " + w.backendName() + " READ " + r.backendName() + " " + read.status()
                        + " clock=" + s.clockTimeStampSec() + "." + s.clockNanos() + " receive="
                        + s.receiveTimeStampSec() + "." + s.receiveNanos());
            } finally {
                w.removeSegment();
            }
        }
    }
}
