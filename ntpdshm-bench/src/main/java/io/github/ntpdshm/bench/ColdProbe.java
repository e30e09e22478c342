/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmOptions;

import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a sample's time goes right after a sleep (issue #11): after each sleep, in turn, {@code Instant.now()},
 * a raw getter ({@code getCount()}), {@code update(Instant)}, and {@code update(Instant)} once more at once, each timed
 * with {@code System.nanoTime()}; prints the medians. The first operations after a sleep are the slow ones, whatever
 * they are, and the same update repeated at once is not.
 *
 * <p>Then, with no ntpdshm code at all, the JDK's own floor for the gap after the same sleeps: two
 * {@code Instant.now()} in a row, the same with a {@code System.nanoTime()} between them, and an
 * {@code Instant.now()} followed by an interface call whose compiled target takes {@code Instant.now()} first
 * (what {@code update(Instant)} does). Each is the gap between the two wall-clock readings, as fidelity.sh
 * measures it. The last one's first sample is also printed: it is the first time that call site runs, as a
 * writer's first sample after {@code open()} is.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar io.github.ntpdshm.bench.ColdProbe jna 62 40</pre>
 */
public final class ColdProbe {

    private ColdProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args backend, sleep in milliseconds, samples
     */
    public static void main(String[] args) {
        String backend = args[0];
        long sleepMs = Long.parseLong(args[1]);
        int n = Integer.parseInt(args[2]);
        long[] clock = new long[n];
        long[] getter = new long[n];
        long[] update = new long[n];
        long[] again = new long[n];
        NtpdShm shm = null;
        try {
            ShmOptions options = BenchSegments.options(backend, BenchSegments.randomKeyBase());
            shm = NtpdShm.open(options);
            int sink = 0;
            for (int i = 0; i < n; i++) {
                LockSupport.parkNanos(sleepMs * 1_000_000L);
                long t0 = System.nanoTime();
                Instant now = Instant.now();
                long t1 = System.nanoTime();
                sink += shm.getCount();
                long t2 = System.nanoTime();
                shm.update(now);
                long t3 = System.nanoTime();
                shm.update(now);
                long t4 = System.nanoTime();
                clock[i] = t1 - t0;
                getter[i] = t2 - t1;
                update[i] = t3 - t2;
                again[i] = t4 - t3;
            }
            System.out.printf("%s, %d ms sleeps, %d samples, medians in ns: Instant.now() %d | getCount() %d |"
                    + " update(Instant) %d | the same update again at once %d%s%n", backend, sleepMs, n,
                    median(clock), median(getter), median(update), median(again), sink == 42 ? " " : "");
        } finally {
            BenchSegments.removeAndClose(shm);
        }
        floor(sleepMs, n);
    }

    /** What {@code update(Instant)} stands for in {@link #floor}: an interface call that stamps first. */
    interface Stamper {
        Instant stamp(Instant clock);
    }

    /** The JDK's own gaps after each sleep, without ntpdshm (see the class comment). */
    private static void floor(long sleepMs, int n) {
        long[] twice = new long[n];
        long[] nanoTime = new long[n];
        long[] call = new long[n];
        Stamper stamper = clock -> Instant.now();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {  // compiles the target, as the warm-up at open compiles update()
            sink += stamper.stamp(null).getNano();
        }
        for (int i = 0; i < n; i++) {
            LockSupport.parkNanos(sleepMs * 1_000_000L);
            Instant a = Instant.now();
            Instant b = Instant.now();
            twice[i] = nanosBetween(a, b);
            LockSupport.parkNanos(sleepMs * 1_000_000L);
            a = Instant.now();
            sink += System.nanoTime();
            b = Instant.now();
            nanoTime[i] = nanosBetween(a, b);
            LockSupport.parkNanos(sleepMs * 1_000_000L);
            a = Instant.now();
            b = stamper.stamp(a);
            call[i] = nanosBetween(a, b);
        }
        System.out.printf("JDK floor, %d ms sleeps, gap medians in ns: Instant.now(); Instant.now() %d |"
                + " with System.nanoTime() between %d | Instant.now(); interface call stamping first %d, its first"
                + " sample (the call site's first run) %d%s%n", sleepMs, median(twice), median(nanoTime), median(call),
                call[0], sink == 42 ? " " : "");
    }

    private static long nanosBetween(Instant a, Instant b) {
        return Fidelity.epochNanos(b) - Fidelity.epochNanos(a);
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
