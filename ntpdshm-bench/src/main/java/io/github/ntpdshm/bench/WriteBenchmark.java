/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import io.github.ntpdshm.api.NtpdShm;

import java.time.Instant;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/** The writer's three update paths, each gpsd's full sequence with its three fences, under the handle's lock. */
public class WriteBenchmark extends AbstractBenchmark {

    @Param({"panama", "jna", "jnr"})
    public String backend;

    private NtpdShm shm;
    // Fields, not constants: the time stamps are the caller's and must not fold away.
    private Instant clock = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
    private Instant receive = Instant.ofEpochSecond(1_700_000_001L, 987_654_321);
    private long clockSec = 1_700_000_000L;
    private int clockNanos = 123_456_789;
    private long receiveSec = 1_700_000_001L;
    private int receiveNanos = 987_654_321;
    private double clockTime = 1_700_000_000.123456;

    @Setup(Level.Trial)
    public void open() {
        BenchSegments.requireAvailable(backend);
        shm = NtpdShm.open(BenchSegments.options(backend, BenchSegments.randomKeyBase()));
    }

    @TearDown(Level.Trial)
    public void remove() {
        BenchSegments.removeAndClose(shm);
    }

    /** {@code update(Instant, Instant)} with time stamps the caller already has. */
    @Benchmark
    public void updateInstants() {
        shm.update(clock, receive);
    }

    /** {@code update(long, int, long, int)}: the allocation-free primitive path. */
    @Benchmark
    public void updatePrimitive() {
        shm.update(clockSec, clockNanos, receiveSec, receiveNanos);
    }

    /** {@code update(double)}: reads the system clock itself (Instant.now()) for the receive time stamp. */
    @Benchmark
    public void updateClockTime() {
        shm.update(clockTime);
    }
}
