/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import java.lang.invoke.VarHandle;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * What the API's protocol costs on this JVM before any memory access: the handle's uncontended lock and one
 * full fence. Read beside the C baseline: gpsd's write has three fences in both languages, the lock is Java's
 * alone (NtpdShm's promise that a shared handle never interleaves updates and never races close()).
 */
public class JvmCostBenchmark extends AbstractBenchmark {

    private final Object lock = new Object();
    private int counter;

    /** An uncontended {@code synchronized} block around one increment, as ShmHandle takes per call. */
    @Benchmark
    public int lockUncontended() {
        synchronized (lock) {
            return ++counter;
        }
    }

    /** The same increment without the lock: subtract it from {@link #lockUncontended()}. */
    @Benchmark
    public int noLock() {
        return ++counter;
    }

    /** {@code VarHandle.fullFence()}, the JVM's seq_cst fence, with one increment. */
    @Benchmark
    public int fullFence() {
        VarHandle.fullFence();
        return ++counter;
    }
}
