/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The conformance suite's update sequence: whole samples that ntpd's reader in C accepts, from any thread. */
abstract class UpdateConformance extends LayoutConformance {

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void updateWritesAWholeMode1SampleThatNtpdsReaderInCAccepts(ShmLayout layout) {
        try (NtpdShm shm = open(6, layout)) {
            int before = shm.getCount();
            shm.setLeap(1);
            shm.setPrecision(-23);
            shm.update(Instant.ofEpochSecond(T0 + 10, 123_456_789), Instant.ofEpochSecond(T0 + 11, 987_654_321));
            assertEquals(1, shm.getMode());
            assertEquals(before + 2, shm.getCount(), "count advances by 2 per sample");
            assertTrue(shm.isValid());
            Map<String, String> c = CPeer.of(layout).fields("read", segments.hexKey(6));
            assertEquals("OK", c.get("status"));
            assertEquals("1", c.get("mode"));
            assertEquals(Long.toString(T0 + 10), c.get("clockTimeStampSec"));
            assertEquals("123456", c.get("clockTimeStampUSec"), "USec = NSec / 1000, truncated");
            assertEquals("123456789", c.get("clockTimeStampNSec"));
            assertEquals(Long.toString(T0 + 11), c.get("receiveTimeStampSec"));
            assertEquals("987654", c.get("receiveTimeStampUSec"));
            assertEquals("987654321", c.get("receiveTimeStampNSec"));
            assertEquals("1", c.get("leap"));
            assertEquals("-23", c.get("precision"));
            assertFalse(shm.isValid(), "the C reader consumed the sample");
        }
    }

    @Test
    void precisionIsWrittenWithEverySampleBecauseNtpdOverwritesItAtStart() {
        try (NtpdShm shm = open(7, ShmLayout.LP64)) {
            shm.setPrecision(-18);
            shm.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            CPeer.of(ShmLayout.LP64).call("write", segments.hexKey(7), "precision=-1", "nsamples=3", "valid=0");
            shm.update(Instant.ofEpochSecond(T0 + 1), Instant.ofEpochSecond(T0 + 1));
            assertEquals(-18, shm.getPrecision());
            assertEquals(0, shm.getLeap());
        }
    }

    @Test
    void updateWithDoublesAndTheReceiveTimeTakenNow() {
        try (NtpdShm shm = open(8, ShmLayout.LP64)) {
            shm.update(T0 + 0.5, T0 + 1.25, -10);
            assertEquals(T0, shm.getClockTimeStampSec());
            assertEquals(500_000_000L, shm.getClockTimeStampNSec());
            assertEquals(T0 + 1, shm.getReceiveTimeStampSec());
            assertEquals(250_000, shm.getReceiveTimeStampUSec());
            assertEquals(-10, shm.getPrecision());

            Instant before = Instant.now();
            shm.update(before.getEpochSecond() - 1.0);
            Instant after = Instant.now();
            ShmSample s = shm.peek().sample().orElseThrow(AssertionError::new);
            assertFalse(s.receiveTimeStamp().isBefore(before.minusNanos(1000)), "receive time is now");
            assertFalse(s.receiveTimeStamp().isAfter(after.plusNanos(1000)), "receive time is now");
            assertEquals(-10, s.precision(), "precision kept from the last call that gave one");
            assertTrue(s.hasNanoseconds());

            Instant clock = Instant.ofEpochSecond(T0, 999_999_999);
            shm.update(clock);
            assertEquals(999_999, shm.getClockTimeStampUSec());
            assertEquals(999_999_999L, shm.getClockTimeStampNSec());
        }
    }

    @Test
    void aSharedHandleNeverInterleavesUpdates() throws Exception {
        try (NtpdShm shm = open(9, ShmLayout.LP64)) {
            int threads = 4;
            int perThread = 2000;
            List<Thread> writers = new ArrayList<>();
            AtomicReference<Throwable> error = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                final long offset = (t + 1) * SECOND + t;  // each thread's own clock-receive difference
                writers.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            long r = T0 * SECOND + i * 1000L;
                            long c = r + offset;
                            shm.update(c / SECOND, (int) (c % SECOND), r / SECOND, (int) (r % SECOND));
                        }
                    } catch (Throwable e) {
                        error.set(e);
                    }
                }));
            }
            writers.forEach(Thread::start);
            while (writers.stream().anyMatch(Thread::isAlive)) {
                checkOneThreadsSample(shm.peek());
            }
            for (Thread w : writers) {
                w.join();
            }
            if (error.get() != null) {
                throw new AssertionError(error.get());
            }
            assertEquals(2 * threads * perThread, shm.getCount());
            // the reads above may all have clashed with the writers (Panama's reads take no lock): the last one
            ShmRead last = shm.peek();
            assertEquals(ShmRead.Status.OK, last.status());
            checkOneThreadsSample(last);
        }
    }

    private static void checkOneThreadsSample(ShmRead r) {
        if (r.isOk()) {
            long off = r.sample().get().offsetNanos();
            long t = off / SECOND - 1;
            assertEquals((t + 1) * SECOND + t, off, "a sample mixes two threads' writes: " + r);
        }
    }
}
