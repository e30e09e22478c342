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
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
