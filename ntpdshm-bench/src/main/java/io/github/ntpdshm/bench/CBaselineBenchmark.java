/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The same protocol in C (src/main/c/shmbaseline.c), on its own SysV segment, {@value #N} operations per Panama
 * downcall so that the figures are per operation; JDK 22+ only (run.sh leaves it out on 17). Also the cost of the
 * JDK's clock alone, to split {@code update(double)} into clock read and write.
 */
public class CBaselineBenchmark extends AbstractBenchmark {

    /** Operations per downcall. */
    public static final int N = 1000;
    /** Open/close loops per downcall: each takes microseconds, so fewer suffice. */
    public static final int N_OPEN = 20;

    private CBaseline c;

    @Setup(Level.Trial)
    public void attach() {
        c = CBaseline.open(BenchSegments.randomKeyBase() + BenchSegments.UNIT);
        c.storeLoop(1);  // a valid sample for the read
    }

    @TearDown(Level.Trial)
    public void remove() {
        if (c != null) {
            c.close();
        }
    }

    /** gpsd's store-and-fence sequence with given time stamps: the twin of update(Instant, Instant). */
    @Benchmark
    @OperationsPerInvocation(N)
    public long cStore() {
        return c.storeLoop(N);
    }

    /** clock_gettime(CLOCK_REALTIME) and the sequence: the twin of update(double). */
    @Benchmark
    @OperationsPerInvocation(N)
    public long cClockStore() {
        return c.clockStoreLoop(N);
    }

    /** clock_gettime(CLOCK_REALTIME) alone: the twin of Instant.now(). */
    @Benchmark
    @OperationsPerInvocation(N)
    public long cClock() {
        return c.clockLoop(N);
    }

    /** shmget, IPC_STAT, shmat, shmdt of an existing segment: the twin of open + close (system calls only). */
    @Benchmark
    @OperationsPerInvocation(N_OPEN)
    public long cOpenClose() {
        return c.openCloseLoop(N_OPEN);
    }

    /** ntpd's read without clearing valid: the twin of peek(). */
    @Benchmark
    @OperationsPerInvocation(N)
    public long cRead() {
        return c.readLoop(N);
    }
}
