/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/** The JDK's clock alone, to split {@code update(double)} into clock read and write; runs on every JDK. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ClockBenchmark {

    /** {@code Instant.now()}, returned (so allocated) as a caller who keeps it would. */
    @Benchmark
    public Instant instantNow() {
        return Instant.now();
    }
}
