/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmOptions;

import java.time.Instant;
import java.util.Arrays;

/**
 * Where a sample's time goes right after a sleep (issue #11). First, after each sleep, in turn:
 * {@code Instant.now()}, a raw getter ({@code getCount()}), {@code update(Instant)}, and {@code update(Instant)} once
 * more at once, each timed with {@code System.nanoTime()}; prints the medians. The first operations after a sleep
 * are the slow ones, whatever they are, and the same update repeated at once is not.
 *
 * <p>Then the gap between two wall-clock readings, as fidelity.sh measures it, taken six ways that share one
 * handle and take turns, each after a sleep of its own ({@code Thread.sleep}, as the seed's loop sleeps):
 * <ol>
 * <li>two {@code Instant.now()} in a row in this interpreted loop;</li>
 * <li>the same in a method the JIT has compiled;</li>
 * <li>an {@code Instant.now()} and then an interface call whose compiled target takes {@code Instant.now()} first,
 * the JDK's floor for {@code update(Instant)} (fidelity.sh's {@code floor} series);</li>
 * <li>an {@code Instant.now()} and {@code update(Instant)} with it, to the receive stamp it wrote;</li>
 * <li>the same at once again, warm;</li>
 * <li>the same in a method the JIT has compiled, as a caller whose loop is compiled would call it.</li>
 * </ol>
 * Each row prints its median and its first sample.
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
                Fidelity.sleep(sleepMs * 1_000_000L);
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
            floor(backend, shm, sleepMs, n);
        } finally {
            BenchSegments.removeAndClose(shm);
        }
    }

    /**
     * Where the gap of {@code update(Instant)} goes after each sleep (see the class comment): each series takes a
     * wall-clock reading and then a second one by one of the ways below, after a sleep of its own; the series
     * take turns, so that they share the machine's state.
     */
    private static void floor(String backend, NtpdShm shm, long sleepMs, int n) {
        Fidelity.Stamper stamper = Fidelity.STAMPER;
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {  // compiles the targets and the compiled callers, as the warm-up does
            sink += stamper.stamp(null).getNano() + compiledTwice() + compiledUpdate(shm);
        }
        String[] names = {"Instant.now(); Instant.now()", "the same, from a compiled caller",
            "Instant.now(); an interface call stamping first", "Instant.now(); update(Instant)",
            "the same at once again (warm)", "the same, from a compiled caller"};
        long[][] gaps = new long[names.length][n];
        for (int i = 0; i < n; i++) {
            Fidelity.sleep(sleepMs * 1_000_000L);
            Instant a = Instant.now();
            Instant b = Instant.now();
            gaps[0][i] = nanosBetween(a, b);
            Fidelity.sleep(sleepMs * 1_000_000L);
            gaps[1][i] = compiledTwice();
            Fidelity.sleep(sleepMs * 1_000_000L);
            a = Instant.now();
            b = stamper.stamp(a);
            gaps[2][i] = nanosBetween(a, b);
            Fidelity.sleep(sleepMs * 1_000_000L);
            a = Instant.now();
            shm.update(a);
            gaps[3][i] = Fidelity.receiveStampNanos(shm) - Fidelity.epochNanos(a);
            a = Instant.now();
            shm.update(a);
            gaps[4][i] = Fidelity.receiveStampNanos(shm) - Fidelity.epochNanos(a);
            Fidelity.sleep(sleepMs * 1_000_000L);
            gaps[5][i] = compiledUpdate(shm);
        }
        StringBuilder out = new StringBuilder(String.format("%s, %d ms sleeps (Thread.sleep), %d samples each, gap"
                + " between the two wall-clock readings, median (first) in ns:", backend,
                sleepMs, n));
        for (int k = 0; k < names.length; k++) {
            out.append(String.format("%n  %-52s %6d (%d)", names[k], median(gaps[k]), gaps[k][0]));
        }
        System.out.println(out + (sink == 42 ? " " : ""));
    }

    /** Two readings in a row in a method the JIT has compiled. */
    private static long compiledTwice() {
        Instant a = Instant.now();
        Instant b = Instant.now();
        return nanosBetween(a, b);
    }

    /** A reading and {@code update} with it, in a method the JIT has compiled: the gap to the receive stamp. */
    private static long compiledUpdate(NtpdShm shm) {
        Instant a = Instant.now();
        shm.update(a);
        return Fidelity.receiveStampNanos(shm) - Fidelity.epochNanos(a);
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
