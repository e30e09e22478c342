/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.jnr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.conformance.ConformanceSuite;

import org.junit.jupiter.api.Test;

/** The conformance suite against the JNR backend, on the JDK Maven runs on. */
class JnrConformanceTest extends ConformanceSuite {

    @Override
    protected String backend() {
        return "jnr";
    }

    @Test
    void isAvailableAndChosenWhenAlone() {
        assertTrue(new JnrBackend().unavailabilityCause().isEmpty(), () -> "unavailable: "
                + new JnrBackend().unavailabilityCause());
        assertEquals("jnr", ShmBackends.select(null).name(), "the only backend on this class path");
        assertEquals(10, new JnrBackend().priority());
        try (NtpdShm shm = NtpdShm.open(ShmOptions.builder(30).keyBase(segments.keyBase()).build())) {
            assertEquals("jnr", shm.backendName());
        }
    }
}
