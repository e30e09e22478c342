/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a writer's update and read paths on scratch memory when it opens a unit, so that its first sample, and
 * every sample after a one-second sleep, runs code the JIT has already compiled.
 *
 * <p>Why: a reference clock calls {@code update} once a second, and the JIT compiles a method only after
 * thousands of calls, so for minutes every sample would run in the interpreter, and its receive stamp, taken
 * inside {@code update}, would come tens of microseconds after the caller read its clock (issue #11). A library
 * cannot set {@code -XX} flags, so it calls the same methods enough times itself, once per JVM, backend memory
 * class and layout. The calls go through real {@link ShmHandle}s of the same layout over
 * {@link ShmBackend#scratch} memory of the same class as the segment's, so that the compiled code and its type
 * profiles are the ones the real handle will use; the real segment is never written. Several fresh handles
 * take the first-sample branches (mode not yet written, nothing published) as a real handle does. It then waits
 * until the JIT has installed what it compiled and runs that code once more, so that no switch of code falls on
 * the real handle's first samples ({@link #awaitCompiler}).
 *
 * <p>Read-only handles (monitors, {@code dump}, {@code list}) skip it: they read once or at the daemon's pace
 * and must open fast. The cost is measured by ntpdshm-bench's fidelity benchmark ({@code openNs}).
 */
final class Warmup {

    /**
     * Fresh scratch handles, each taking the first-sample branches once. Many, so that those branches are taken
     * after the JIT has started profiling too: a branch its profile never saw taken is compiled as a trap, and
     * the real handle's first sample would then throw the compiled code away (measured: the 5-argument update
     * stayed interpreted after such a trap with 4 handles).
     */
    static final int HANDLES = 32;
    /**
     * Rounds of every update overload and read per handle: 32 x 2000 calls of each, enough for C2 to compile every
     * path and for the compiled code to be installed while the warm-up still calls it. Measured with
     * {@code -XX:+PrintCompilation} on JDK 17 and 25, every backend: at 200 rounds a handle the overloads stayed
     * at C1 (tiers 2 and 3), whose code cannot remove the receive stamp's {@code Instant} (24 bytes a call);
     * at 2000 they are C2's (tier 4) and allocate nothing. In the fidelity benchmark the gap caller clock to
     * receive stamp of {@code update(Instant)} (JNA, JDK 25, 16 Hz) went from 4.4-5.1 to 3.6-4.0 microseconds
     * (medians) and its maximum from 59-148 to 7-9 (docs/bench.md).
     */
    static final int ROUNDS = 2000;
    /**
     * The most a warm-up may add to {@code open()}, waiting for the JIT included: it stops after the handle that
     * passes it. A quiet x86_64 machine finishes within it (the rounds took about 250 to 350 ms; with the wait for
     * the JIT, {@code open()} took 523-919 ms against 417-716 ms without, see {@link #awaitCompiler}); under
     * qemu-user or on a loaded machine the paths end up less compiled instead of the open taking seconds.
     */
    static final long BUDGET_NANOS = 500_000_000L;

    /** How often {@link #awaitCompiler} looks at the JIT's total compilation time. */
    private static final long POLL_NANOS = 5_000_000L;
    /**
     * How many looks in a row must find that total unchanged: no compilation has ended for 50 ms. The total
     * changes only when a compilation ends, and single C2 compilations of the update paths took up to 27 ms here
     * ({@code -Xlog:jit+compilation}); with 20 ms the spike stayed in one of three Panama runs.
     */
    private static final int QUIET_POLLS = 10;
    /**
     * Rounds on one more handle once the JIT is quiet, so that its newest code has run before the real handle's
     * first sample: compiled code's calls are resolved by the VM the first time each one runs, and that first
     * run, had it fallen on the real handle, cost its sample tens of microseconds.
     */
    private static final int LAST_ROUNDS = 50;

    /** What has been warmed in this JVM: the memory's class and the layout. */
    private static final Set<String> DONE = ConcurrentHashMap.newKeySet();

    private Warmup() {
    }

    /**
     * Warms the paths that {@code real}'s handle will run, unless done before in this JVM. Never throws: a
     * failure here costs only speed, so the real handle is returned either way.
     */
    static void writer(ShmBackend backend, ShmOptions options, ShmLayout layout, ShmMemory real) {
        String what = real.getClass().getName() + ' ' + layout.name();
        if (!DONE.add(what)) {
            return;
        }
        long start = System.nanoTime();
        try {
            for (int h = 0; h < HANDLES && System.nanoTime() - start < BUDGET_NANOS; h++) {
                runOnScratch(backend, options, layout, ROUNDS);
            }
            awaitCompiler(start);
            runOnScratch(backend, options, layout, LAST_ROUNDS);
        } catch (RuntimeException e) {
            DONE.remove(what);  // e.g. no direct memory left for scratch: try again at the next open
        }
    }

    /** {@link #run} on a fresh handle over scratch memory of the backend's memory class. */
    private static void runOnScratch(ShmBackend backend, ShmOptions options, ShmLayout layout, int rounds) {
        ShmHandle scratch = new ShmHandle(backend, options, layout, -1, backend.scratch(layout.size()));
        try {
            run(scratch, rounds);
        } finally {
            scratch.close();
        }
    }

    /** The user-facing update overloads and the allocation-free reads, with realistic time stamps. */
    private static int run(ShmHandle h, int rounds) {
        ShmSample.Mutable into = new ShmSample.Mutable();
        int sink = 0;
        for (int i = 0; i < rounds; i++) {
            Instant now = Instant.now();
            Instant clock = now.minusSeconds(1);
            sink += shifts(now);
            h.update(now.getEpochSecond() - 1 + now.getNano() / 1e9);
            h.update(clock);
            h.update(clock, now);
            h.update(clock.getEpochSecond(), clock.getNano(), now.getEpochSecond(), now.getNano());
            sink += h.peek(into).ordinal();
            sink += h.consume(into).ordinal();
        }
        return sink;
    }

    /**
     * The {@code Instant} arithmetic a caller uses to make its clock time from its reading ({@code update(now
     * .plusNanos(offset))}). It runs in the caller's loop between the reading and the call, so it is in the gap
     * that the receive stamp shows; interpreted, right after a sleep, it cost more than the update itself.
     * Measured with ntpdshm-bench's {@code Fidelity write BACKEND shifted 16 40} ({@code update(now.plusNanos(-1
     * s))}, JDK 25), runs of the jar with and without these calls taken in turn: gap medians of 13.7-15.5
     * microseconds without them, 5.8-6.9 with them, on every backend; the {@code double} and {@code Instant}
     * series unchanged within their spread (docs/bench.md).
     */
    private static int shifts(Instant now) {
        Duration second = Duration.ofSeconds(1);
        return now.plusNanos(-1_000_000_000L).getNano() + now.minusNanos(1_000_000_000L).getNano()
                + now.plusMillis(-1000).getNano() + now.minusMillis(1000).getNano()
                + now.plusSeconds(-1).getNano() + now.plus(second).getNano() + now.minus(second).getNano();
    }

    /**
     * Waits, within the budget, until the JIT has finished what the warm-up gave it: its total compilation time
     * (milliseconds, {@link CompilationMXBean}) unchanged for {@link #QUIET_POLLS} looks in a row.
     *
     * <p>Why: the last rounds leave C2 compilations queued, which install their code after {@code open()} has
     * returned. The handle's first sample then runs the older code, and a later one pays for the switch to the
     * new code (the call into code made not entrant is re-resolved in the VM). With {@code -Xlog:jit+compilation}
     * the C2 code of {@code ShmHandle.update}, {@code ShmProtocol.publish} and {@code ShmProtocol.read} was
     * installed up to 70 ms after the warm-up's last round. In the fidelity benchmark ({@code Fidelity write
     * BACKEND instant 16 20}, JDK 25, each backend, jars with and without this wait and {@link #LAST_ROUNDS} taken
     * in turn, three runs each) the second sample's gap was 11.8 to 184 microseconds in four runs of nine without
     * them, and 3.6 to 6.6 in all nine with them; {@code open()} took 417-716 ms without and 523-919 ms with them.
     *
     * <p>A heuristic: a single compilation longer than the quiet time ends the wait early, and an application
     * compiling its own code all along keeps it waiting until the budget is spent. A JVM without a JIT, or
     * without compilation time monitoring, does not wait.
     */
    private static void awaitCompiler(long start) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long last = -1;
        for (int quiet = 0; quiet < QUIET_POLLS && System.nanoTime() - start < BUDGET_NANOS; ) {
            long total = jit.getTotalCompilationTime();
            quiet = total == last ? quiet + 1 : 0;
            last = total;
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
