/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.it;

import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.spi.Unavailability;

/** Prints what discovery found and chose; run in a child JVM with a chosen class path and flags. */
public final class ListBackends {
    private ListBackends() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        for (ShmBackends.Candidate c : ShmBackends.candidates()) {
            System.out.println("CANDIDATE " + c.name() + " priority=" + c.priority() + " available="
                    + c.isAvailable() + " cause=" + c.unavailabilityCause().map(Unavailability::reason).orElse(""));
        }
        try {
            System.out.println("SELECTED " + ShmBackends.select(null).name());
        } catch (NtpdShmException e) {
            System.out.println("SELECT FAILED " + e.getMessage());
        }
    }
}
