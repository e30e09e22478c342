/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmSample;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * One series of the fidelity benchmark (fidelity.sh runs each in a fresh JVM): the seed's loop (read the clock,
 * {@code update(clock - 1 s)}, sleep) from the first sample after {@code open()}, or a reader at 1 Hz. The
 * {@code Instant} series passes the reading itself, so that no call of the caller's sits in the gap. Prints one
 * JSON object per line on stdout, per sample:
 * <ul>
 * <li>{@code gapNs}: the caller's clock reading ({@code Instant.now()}) to the receive stamp that {@code update}
 * wrote, read back with the raw getters;</li>
 * <li>{@code callNs}: for a writer, the caller's clock reading to the return of {@code update()}, by a second
 * {@code Instant.now()} right after it; for a reader, the {@code peek}/{@code consume} call, by
 * {@code System.nanoTime()};</li>
 * <li>{@code allocBytes}: what the call allocated on this thread (ThreadMXBean), less the caller's own clock
 * readings measured the same way without the call.</li>
 * </ul>
 * Nothing runs between the caller's clock reading and the call, in this writer as in the C and Python ones: right
 * after a sleep, a {@code System.nanoTime()} there would add microseconds of its own to the gap (docs/bench.md).
 * Nor does anything of the harness run between the caller's {@code Thread.sleep} and its reading.
 * The {@code shifted} series (fidelity.sh runs it at 1 Hz) is the seed's own loop,
 * {@code update(now.plusNanos(-1 s))}, with the caller's {@code Instant} arithmetic in the gap. The {@code floor}
 * series has no ntpdshm in the gap: the same loop calls, instead of {@code update(now)}, an interface method that
 * the JIT has compiled and that takes {@code Instant.now()} first, and its gap is between the two readings. It is
 * what any Java writer's gap is at least, called from an interpreted loop right after a sleep. The
 * {@code floor_double} series does the same after the caller's conversion to a double, as {@code double} does.
 *
 * <p>Usage: {@code Fidelity write BACKEND double|instant|shifted|floor|floor_double HZ SAMPLES} or
 * {@code Fidelity read BACKEND HZ SAMPLES}.
 */
public final class Fidelity {

    private static final long NANOS = 1_000_000_000L;

    /** How a writer series calls {@code update}, as named on the command line, and its name in the results. */
    enum Call {
        DOUBLE("update(double)"),
        INSTANT("update(Instant)"),
        SHIFTED("update(now.plusNanos(-1 s))"),
        /** No ntpdshm in the gap: the JDK's own floor for an interpreted caller's call that stamps first. */
        FLOOR("floor: Instant.now(); an interface call that stamps first"),
        /** {@link #FLOOR} with {@code update(double)}'s conversion by the caller before the call. */
        FLOOR_DOUBLE("floor: the caller's conversion to double; an interface call that stamps first");

        final String label;

        Call(String label) {
            this.label = label;
        }

        /** Whether the series calls {@link #STAMPER} instead of ntpdshm. */
        boolean floor() {
            return this == FLOOR || this == FLOOR_DOUBLE;
        }
    }

    /** What {@code update} stands for in the floor series: an interface whose methods stamp first. */
    interface Stamper {
        Instant stamp(Instant clock);

        Instant stamp(double clockTime);
    }

    /** The floor series' stamper, compiled before the series as {@code open()} compiles the update paths. */
    static final Stamper STAMPER = new Stamper() {
        @Override
        public Instant stamp(Instant clock) {
            return Instant.now();
        }

        @Override
        public Instant stamp(double clockTime) {
            return Instant.now();
        }
    };
    /** As many calls as {@code open()}'s warm-up makes of each update overload (32 handles x 2000 rounds). */
    private static final int STAMPER_WARMUP = 64_000;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final long self = Thread.currentThread().getId();

    private Fidelity() {
    }

    /**
     * Entry point.
     *
     * @param args {@code write BACKEND double|instant|shifted HZ SAMPLES} or {@code read BACKEND HZ SAMPLES}
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        Call call = null;
        if (args.length == 5 && args[0].equals("write")) {
            for (Call c : Call.values()) {
                if (c.name().toLowerCase(Locale.ROOT).equals(args[2])) {
                    call = c;
                }
            }
        }
        if (args.length < 4 || !(call != null || args[0].equals("read"))) {
            System.err.println("usage: Fidelity write BACKEND double|instant|shifted|floor|floor_double HZ SAMPLES"
                    + " | read BACKEND HZ SAMPLES");
            System.exit(2);
        }
        Fidelity f = new Fidelity();
        f.threads.getThreadAllocatedBytes(f.self);  // loads and links what the measurement itself needs
        if (call != null) {
            f.write(args[1], call, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else {
            f.read(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        }
    }

    private void write(String backend, Call how, int hz, int samples) {
        long[] gap = new long[samples];
        long[] call = new long[samples];
        long[] alloc = new long[samples];
        long period = NANOS / hz;
        long gcBefore = 0;
        long openNs;
        long firstNs = 0;
        NtpdShm shm = null;
        try {
            ShmOptions options = BenchSegments.options(backend, BenchSegments.randomKeyBase());
            long t0 = System.nanoTime();
            shm = NtpdShm.open(options);
            openNs = System.nanoTime() - t0;
            if (how.floor()) {
                warmStamper();
            }
            gcBefore = gcCount();
            long sleepAlloc = sleepAlloc();
            for (int i = 0; i < samples; i++) {
                long a0 = threads.getThreadAllocatedBytes(self);
                if (i > 0) {
                    // The caller's sleep, and nothing of the harness between it and the reading, as in a real
                    // loop. The allocation reading used to sit there: interpreted, it warmed the paths the caller
                    // then ran (JNA, JDK 25, 16 Hz, one run each: update(Instant) 5.0 us with it, 8.6 without;
                    // update(double) 8.5 and 12.3), and once the JIT compiled it, about 4 s into a 16 Hz series,
                    // update(double)'s gap rose by 2-3 us for the rest. What the sleep allocates is subtracted.
                    sleep(period);
                }
                Instant now = Instant.now();
                Instant stamp = null;
                switch (how) {
                    case DOUBLE:
                        shm.update(now.getEpochSecond() - 1 + now.getNano() / 1e9);
                        break;
                    case SHIFTED:
                        shm.update(now.plusNanos(-NANOS));  // the seed's own loop: its arithmetic is in the gap
                        break;
                    case FLOOR:
                        stamp = STAMPER.stamp(now);
                        break;
                    case FLOOR_DOUBLE:
                        stamp = STAMPER.stamp(now.getEpochSecond() - 1 + now.getNano() / 1e9);
                        break;
                    default:
                        shm.update(now);  // the reading itself: a call here (minusSeconds) would be the caller's cost
                }
                Instant end = Instant.now();
                long a1 = threads.getThreadAllocatedBytes(self);
                if (i == 0) {
                    firstNs = System.nanoTime() - t0;
                }
                long recv = stamp != null ? epochNanos(stamp) : receiveStampNanos(shm);
                gap[i] = recv - epochNanos(now);
                call[i] = epochNanos(end) - epochNanos(now);
                alloc[i] = a1 - a0 - callerAlloc(how) - (i > 0 ? sleepAlloc : 0);
            }
        } finally {
            BenchSegments.removeAndClose(shm);
        }
        System.out.println(series(how.floor() ? "JDK only" : "ntpdshm", backend, how.label, hz,
                gcCount() - gcBefore, openNs, firstNs)
                + ",\"gapNs\":" + json(gap) + ",\"callNs\":" + json(call) + ",\"allocBytes\":" + json(alloc) + "}");
    }

    /**
     * What one {@link #sleep} allocates on this thread, subtracted from each sample after the first: on JDK 25
     * {@code Thread.sleep} allocates (320 bytes a call measured), on JDK 17 nothing. The least of three.
     */
    private long sleepAlloc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long a0 = threads.getThreadAllocatedBytes(self);
            sleep(1_000_000L);
            least = Math.min(least, threads.getThreadAllocatedBytes(self) - a0);
        }
        return least;
    }

    /** Thread.sleep, as a caller's loop sleeps; an interrupt ends the series early. */
    static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The caller's side of a write sample without the call: what {@link #write} subtracts from its allocation. */
    private long callerAlloc(Call how) {
        long a0 = threads.getThreadAllocatedBytes(self);
        Instant now = Instant.now();
        double clock = how == Call.DOUBLE || how == Call.FLOOR_DOUBLE ? now.getEpochSecond() - 1 + now.getNano() / 1e9
                : how == Call.SHIFTED ? now.plusNanos(-NANOS).getNano() : now.getNano();
        Instant end = Instant.now();
        long a1 = threads.getThreadAllocatedBytes(self);
        return clock == end.getNano() ? -1 : a1 - a0;
    }

    /** Compiles {@link #STAMPER}'s two methods, as the warm-up in {@code open()} compiles the update overloads. */
    private static void warmStamper() {
        long sink = 0;
        for (int i = 0; i < STAMPER_WARMUP; i++) {
            sink += STAMPER.stamp(null).getNano() + STAMPER.stamp(i * 0.5).getNano();
        }
        if (sink == 42) {
            System.out.print("");
        }
    }

    /** The receive stamp of the last sample, nanoseconds since the epoch, from the raw getters. */
    static long receiveStampNanos(NtpdShm shm) {
        return shm.getReceiveTimeStampSec() * NANOS + shm.getReceiveTimeStampNSec();
    }

    /** {@code t} as nanoseconds since the epoch. */
    static long epochNanos(Instant t) {
        return t.getEpochSecond() * NANOS + t.getNano();
    }

    /**
     * ntpd's side at 1 Hz: a writer in the same handle stamps a sample (not timed), then {@code peek(Mutable)}
     * (a monitor) and {@code consume(Mutable)} (ntpd) are timed.
     */
    private void read(String backend, int hz, int samples) {
        long[] peek = new long[samples];
        long[] consume = new long[samples];
        long[] peekAlloc = new long[samples];
        long[] consumeAlloc = new long[samples];
        long period = NANOS / hz;
        long gcBefore;
        long openNs;
        ShmSample.Mutable into = new ShmSample.Mutable();
        NtpdShm shm = null;
        int ok = 0;
        try {
            ShmOptions options = BenchSegments.options(backend, BenchSegments.randomKeyBase());
            long t0 = System.nanoTime();
            shm = NtpdShm.open(options);
            openNs = System.nanoTime() - t0;
            gcBefore = gcCount();
            long base = baseAlloc();
            for (int i = 0; i < samples; i++) {
                Instant now = Instant.now();
                shm.update(now.minusSeconds(1), now);
                long a0 = threads.getThreadAllocatedBytes(self);
                long t1 = System.nanoTime();
                ok += shm.peek(into).ordinal();
                long t2 = System.nanoTime();
                long a1 = threads.getThreadAllocatedBytes(self);
                long t3 = System.nanoTime();
                ok += shm.consume(into).ordinal();
                long t4 = System.nanoTime();
                long a2 = threads.getThreadAllocatedBytes(self);
                peek[i] = t2 - t1;
                consume[i] = t4 - t3;
                peekAlloc[i] = a1 - a0 - base;
                consumeAlloc[i] = a2 - a1 - base;
                LockSupport.parkNanos(period);
            }
        } finally {
            BenchSegments.removeAndClose(shm);
        }
        long gc = gcCount() - gcBefore;
        System.out.println(series("ntpdshm", backend, "peek(Mutable)", hz, gc, openNs, 0) + ",\"callNs\":" + json(peek)
                + ",\"allocBytes\":" + json(peekAlloc) + ",\"status\":" + ok + "}");
        System.out.println(series("ntpdshm", backend, "consume(Mutable)", hz, gc, openNs, 0) + ",\"callNs\":"
                + json(consume) + ",\"allocBytes\":" + json(consumeAlloc) + "}");
    }

    /** What two nanoTime calls between two allocation readings allocate (nothing, unless the JVM does). */
    private long baseAlloc() {
        long a0 = threads.getThreadAllocatedBytes(self);
        long t = System.nanoTime();
        t += System.nanoTime();
        long a1 = threads.getThreadAllocatedBytes(self);
        return t == 0 ? -1 : a1 - a0;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
        }
        return n;
    }

    private static String series(String writer, String backend, String op, int hz, long gc, long openNs,
                                 long firstNs) {
        return String.format(Locale.ROOT, "{\"writer\":\"%s\",\"jdk\":\"%d\",\"backend\":\"%s\",\"op\":\"%s\","
                + "\"hz\":%d,\"gcDuringLoop\":%d,\"openNs\":%d,\"firstSampleNs\":%d", writer,
                Runtime.version().feature(), backend, op, hz, gc, openNs, firstNs);
    }

    static String json(long[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.append(']').toString();
    }
}
