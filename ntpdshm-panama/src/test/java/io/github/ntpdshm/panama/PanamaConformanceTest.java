/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.panama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.conformance.ConformanceSuite;

import org.junit.jupiter.api.Test;

/** The conformance suite against the Panama backend, on the JDK 22+ the toolchain selected. */
class PanamaConformanceTest extends ConformanceSuite {

    @Override
    protected String backend() {
        return "panama";
    }

    @Test
    void runsOnJdk22OrNewerAndIsChosenFirst() {
        assertTrue(Runtime.version().feature() >= 22, "Panama tests must run on 22+, not " + Runtime.version());
        assertTrue(new PanamaBackend().unavailabilityCause().isEmpty(), "native access is enabled for the tests");
        assertEquals("panama", ShmBackends.select(null).name(), "highest priority when available");
        try (NtpdShm shm = NtpdShm.open(segments.options(30, "panama").build())) {
            assertEquals("panama", shm.backendName());
        }
    }
}
