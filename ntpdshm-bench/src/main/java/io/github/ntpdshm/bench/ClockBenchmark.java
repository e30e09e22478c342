/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import java.time.Instant;

import org.openjdk.jmh.annotations.Benchmark;

/** The JDK's clock alone, to split {@code update(double)} into clock read and write; runs on every JDK. */
public class ClockBenchmark extends AbstractBenchmark {

    /** {@code Instant.now()}, returned (so allocated) as a caller who keeps it would. */
    @Benchmark
    public Instant instantNow() {
        return Instant.now();
    }
}
