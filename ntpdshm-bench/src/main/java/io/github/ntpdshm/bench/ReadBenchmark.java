/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/** ntpd's read of a valid sample without consuming it ({@code peek()}), as a monitor does. */
public class ReadBenchmark extends AbstractBenchmark {

    @Param({"panama", "jna", "jnr"})
    public String backend;

    private NtpdShm shm;
    private final ShmSample.Mutable holder = new ShmSample.Mutable();

    @Setup(Level.Trial)
    public void open() {
        BenchSegments.requireAvailable(backend);
        shm = NtpdShm.open(BenchSegments.options(backend, BenchSegments.randomKeyBase()));
        shm.update(1_700_000_000L, 123_456_789, 1_700_000_001L, 987_654_321);
        if (!shm.peek().isOk()) {
            throw new IllegalStateException("the sample just written does not read back: " + shm.peek());
        }
    }

    @TearDown(Level.Trial)
    public void remove() {
        BenchSegments.removeAndClose(shm);
    }

    /** {@code peek()}: the result escapes to JMH's blackhole, as it would to a caller that keeps it. */
    @Benchmark
    public ShmRead peek() {
        return shm.peek();
    }

    /** {@code peek(ShmSample.Mutable)}: the same read into a caller-owned holder, allocating nothing. */
    @Benchmark
    public long peekInto() {
        return shm.peek(holder) == ShmRead.Status.OK ? holder.offsetNanos() : Long.MIN_VALUE;
    }

    /**
     * {@code peek()} used as a monitor uses it: the offset is taken and the read and sample are dropped, so C2's
     * escape analysis may remove both allocations (0 B/op then proves it does).
     */
    @Benchmark
    public long peekOffset() {
        ShmRead r = shm.peek();
        return r.isOk() ? r.sample().get().offsetNanos() : Long.MIN_VALUE;
    }
}
