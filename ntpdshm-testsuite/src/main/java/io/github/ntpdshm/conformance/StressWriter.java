/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmOptions;

/**
 * Our writer in a child JVM, killed with SIGKILL at a random moment by the reliability group: publishes numbered
 * samples from the unit's count on until killed. Arguments: backend keyBase(hex) unit.
 */
public final class StressWriter {
    private StressWriter() {
    }

    /**
     * Entry point, run in a child JVM by the reliability group.
     *
     * @param args as {@link ReliabilitySuite} passes them
     */
    public static void main(String[] args) {
        ShmOptions o = ShmOptions.builder(Integer.parseInt(args[2])).keyBase(Integer.parseUnsignedInt(args[1], 16))
                .backend(args[0]).attachOnly().build();
        try (NtpdShm shm = NtpdShm.open(o)) {
            long v = Stress.firstAfter(shm.getCount());
            Stress.publish(shm, v);  // one sample before "ready", so that a kill lands in a running loop
            System.out.println("ready");
            System.out.flush();
            while (true) {
                v = Stress.next(v);
                Stress.publish(shm, v);
            }
        }
    }
}
