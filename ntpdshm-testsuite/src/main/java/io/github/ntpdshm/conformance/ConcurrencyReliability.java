/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reliability group's first topics, torn reads across processes both ways and threads sharing or closing one
 * handle, and what every topic shares: the backend under test, the segments and figures of the whole class, and
 * the checks after each test and after the group. A backend's test extends {@link ReliabilitySuite}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConcurrencyReliability {

    /** How long each cross-process run lasts. */
    static final int MILLIS = Stress.size(1500, 20_000);
    private static final int CLOSE_RACES = Stress.size(10, 300);

    /** The segments of the whole class, under one private key base. */
    protected final TestSegments segments = new TestSegments();
    final ReliabilitySummary summary = new ReliabilitySummary();
    private long started;

    /** {@return the name of the backend under test: {@code panama}, {@code jna}, {@code jnr}, or a third-party backend's} */
    protected abstract String backend();

    NtpdShm open(int unit, ShmLayout layout) {
        return NtpdShm.open(segments.options(unit, backend()).layout(layout).build());
    }

    NtpdShm attach(int unit) {
        return NtpdShm.open(segments.options(unit, backend()).attachOnly().build());
    }

    @BeforeAll
    void start() {
        started = System.nanoTime();
    }

    @AfterEach
    void removeSegmentsAndCheckNoneWasLeftAttached() {
        List<ShmSegment> attached = segments.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    /** After the group: nothing under our key base in the kernel's table, and no SysV mapping of ours. */
    @AfterAll
    void nothingLeftAndTheSummary() throws IOException {
        List<ShmSegment> left = segments.present();
        segments.removeAll();
        List<String> mapped = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.US_ASCII)) {
            if (line.contains("/SYSV" + Integer.toHexString(segments.keyBase()).substring(0, 6))) {
                mapped.add(line);
            }
        }
        summary.write(backend(), (System.nanoTime() - started) / 1_000_000, left.size() + mapped.size());
        assertTrue(left.isEmpty(), "segments left in /proc/sysvipc/shm: " + left);
        assertTrue(mapped.isEmpty(), "segments still mapped into this JVM: " + mapped);
    }

    // ---- torn reads across processes ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void ourWriterAgainstNtpdsReaderInC(ShmLayout layout) throws Exception {
        int unit = 10 + layout.ordinal();
        try (NtpdShm shm = open(unit, layout)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    long v = 1;
                    while (!stop.get()) {
                        Stress.publish(shm, v);
                        v = Stress.next(v);
                        written.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            writer.start();
            Map<String, Long> c = StressPeer.of(layout).counts("read", segments.hexKey(unit), Integer.toString(MILLIS));
            stop.set(true);
            writer.join();
            assertEquals(null, failed.get());
            String area = "java>c";
            summary.add(area, "samples_written", written.get());
            summary.add(area, "reads", c.get("reads"));
            summary.add(area, "accepted", c.get("accepted"));
            summary.add(area, "clashes", c.get("clashes"));
            summary.add(area, "torn_accepted", c.get("torn_strict"));
            summary.add(area, "ntpd_accepted", c.get("accepted_ntpd"));
            summary.add(area, "ntpd_torn_accepted", c.get("torn_ntpd"));
            assertEquals(0L, c.get("torn_strict"), "a torn sample passed the count and valid checks: " + c);
            assertEquals(0L, c.get("badmode"), c.toString());
            assertTrue(c.get("accepted") > 0, "the C reader never got a sample: " + c);
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void aGpsdStyleWriterInCAgainstOurReader(ShmLayout layout) throws Exception {
        int unit = 20 + layout.ordinal();
        try (NtpdShm shm = open(unit, layout)) {
            long[] r = readWhile(shm, StressPeer.of(layout).startWriter(segments.hexKey(unit), MILLIS, 1));
            String area = "c>java";
            summary.add(area, "samples_written", r[4]);
            summary.add(area, "reads", r[0]);
            summary.add(area, "accepted", r[1]);
            summary.add(area, "clashes", r[2]);
            summary.add(area, "torn_accepted", r[3]);
            assertEquals(0, r[3], "our reader accepted a torn sample");
            assertTrue(r[1] > 0, "our reader never got a sample");
        }
    }

    /** Reads (consuming) until the writer ends: reads, accepted, clashes, torn accepted, samples written. */
    private static long[] readWhile(NtpdShm shm, StressPeer.Running writer) throws Exception {
        ShmSample.Mutable into = new ShmSample.Mutable();
        long reads = 0;
        long accepted = 0;
        long clashes = 0;
        long torn = 0;
        while (writer.process.isAlive()) {
            reads++;
            ShmRead.Status s = shm.consume(into);
            if (s == ShmRead.Status.OK) {
                accepted++;
                if (!Stress.consistent(into)) {
                    torn++;
                }
            } else if (s == ShmRead.Status.CLASH) {
                clashes++;
            }
        }
        return new long[] {reads, accepted, clashes, torn, writer.written()};
    }

    @Test
    void mode0HasNoProtectionAndTears() throws Exception {
        try (NtpdShm shm = open(30, ShmLayout.LP64)) {
            long torn = 0;
            for (int round = 0; round < 10 && torn == 0; round++) {
                long[] r = readWhile(shm, StressPeer.of(ShmLayout.LP64).startWriter(segments.hexKey(30), MILLIS / 3, 0));
                torn += r[3];
                summary.add("mode0", "reads", r[0]);
                summary.add("mode0", "accepted", r[1]);
            }
            summary.add("mode0", "torn_seen", torn);
            assertTrue(torn > 0, "mode 0 never tore: the test would not see a torn sample either");
        }
    }

    // ---- threads -------------------------------------------------------------------------------------------

    @Test
    void threeWritersAndFourReadersOnOneHandle() throws Exception {
        try (NtpdShm shm = open(31, ShmLayout.LP64)) {
            AtomicLong next = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            AtomicLong accepted = new AtomicLong();
            AtomicLong clashes = new AtomicLong();
            AtomicLong torn = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                threads.add(new Thread(guard(failed, () -> {
                    while (!stop.get()) {
                        Stress.publish(shm, next.incrementAndGet() % Stress.WRAP + 1);
                    }
                })));
            }
            for (int i = 0; i < 4; i++) {
                threads.add(new Thread(guard(failed, () -> {
                    ShmSample.Mutable into = new ShmSample.Mutable();
                    while (!stop.get()) {
                        reads.incrementAndGet();
                        ShmRead.Status s = shm.peek(into);
                        if (s == ShmRead.Status.OK) {
                            accepted.incrementAndGet();
                            if (!Stress.consistent(into)) {
                                torn.incrementAndGet();
                            }
                        } else if (s == ShmRead.Status.CLASH) {
                            clashes.incrementAndGet();
                        }
                    }
                })));
            }
            threads.forEach(Thread::start);
            Thread.sleep(MILLIS);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(null, failed.get());
            summary.add("threads", "samples_written", next.get());
            summary.add("threads", "reads", reads.get());
            summary.add("threads", "accepted", accepted.get());
            summary.add("threads", "clashes", clashes.get());
            summary.add("threads", "torn_accepted", torn.get());
            assertEquals(0, torn.get());
            assertEquals(2 * next.get(), Integer.toUnsignedLong(shm.getCount()), "one handle never loses an update");
            assertEquals(0, shm.otherWriterUpdates(), "threads of one handle are one writer");
        }
    }

    static Runnable guard(AtomicReference<Throwable> failed, Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable t) {
                failed.set(t);
            }
        };
    }

    @Test
    void closeRacingThreeWritersAndFourReaders() throws Exception {
        for (int round = 0; round < CLOSE_RACES; round++) {
            NtpdShm shm = open(32, ShmLayout.LP64);
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            CountDownLatch running = new CountDownLatch(7);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                boolean writer = i < 3;
                threads.add(new Thread(() -> {
                    running.countDown();
                    ShmSample.Mutable into = new ShmSample.Mutable();
                    long v = 1;
                    try {
                        while (true) {
                            if (writer) {
                                Stress.publish(shm, v);
                                v = Stress.next(v);
                            } else {
                                shm.peek(into);
                                shm.getClockTimeStamp();
                            }
                        }
                    } catch (IllegalStateException e) {
                        if (!String.valueOf(e.getMessage()).contains("is closed")) {
                            unexpected.set(e);
                        }
                    } catch (Throwable t) {
                        unexpected.set(t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            running.await();
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
            shm.close();
            for (Thread t : threads) {
                t.join();
            }
            if (unexpected.get() != null) {
                throw new AssertionError("an access racing close() failed otherwise than 'closed'", unexpected.get());
            }
            assertEquals(0, ShmSegment.ofKey(segments.key(32)).get().attachCount());
            summary.add("threads", "close_races", 1);
        }
    }
}
