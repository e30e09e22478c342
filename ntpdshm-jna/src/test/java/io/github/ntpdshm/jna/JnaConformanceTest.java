/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.conformance.ConformanceSuite;

import org.junit.jupiter.api.Test;

/** The conformance suite against the JNA backend, on the JDK Maven runs on. */
class JnaConformanceTest extends ConformanceSuite {

    @Override
    protected String backend() {
        return "jna";
    }

    @Test
    void isAvailableAndChosenWhenAlone() {
        assertTrue(new JnaBackend().unavailabilityCause().isEmpty(), () -> "unavailable: "
                + new JnaBackend().unavailabilityCause());
        assertEquals("jna", ShmBackends.select(null).name(), "the only backend on this class path");
        assertEquals(20, new JnaBackend().priority());
        try (NtpdShm shm = NtpdShm.open(ShmOptions.builder(30).keyBase(segments.keyBase()).build())) {
            assertEquals("jna", shm.backendName());
        }
    }
}
