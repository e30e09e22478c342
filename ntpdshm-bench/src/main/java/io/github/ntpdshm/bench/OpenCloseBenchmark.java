/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmOptions;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/** Opening an existing segment (shmget, IPC_STAT, shmat) and closing it (shmdt). */
public class OpenCloseBenchmark extends AbstractBenchmark {

    @Param({"panama", "jna", "jnr"})
    public String backend;

    private ShmOptions options;
    private NtpdShm owner;

    @Setup(Level.Trial)
    public void create() {
        BenchSegments.requireAvailable(backend);
        options = BenchSegments.options(backend, BenchSegments.randomKeyBase());
        // Held open for the whole trial, so each benchmark call attaches an existing segment as a writer would.
        owner = NtpdShm.open(options);
    }

    @TearDown(Level.Trial)
    public void remove() {
        BenchSegments.removeAndClose(owner);
    }

    @Benchmark
    public NtpdShm openClose() {
        NtpdShm shm = NtpdShm.open(options);
        shm.close();
        return shm;
    }
}
