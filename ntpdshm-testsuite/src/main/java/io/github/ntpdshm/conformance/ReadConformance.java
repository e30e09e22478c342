/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** The conformance suite's reading: consume and peek as ntpd does, C writers, torn and unknown samples, holders. */
abstract class ReadConformance extends UpdateConformance {

    @Test
    void readFollowsNtpdConsumeClearsValidPeekDoesNot() {
        try (NtpdShm shm = open(10, ShmLayout.LP64)) {
            assertEquals(ShmRead.Status.NOT_VALID, shm.read().status());
            shm.update(Instant.ofEpochSecond(T0, 5), Instant.ofEpochSecond(T0 + 1, 7));
            ShmRead peeked = shm.peek();
            assertEquals(ShmRead.Status.OK, peeked.status());
            assertTrue(shm.isValid(), "peek never writes");
            ShmRead read = shm.read();
            assertEquals(ShmRead.Status.OK, read.status(), "read() consumes on a read-write handle");
            assertFalse(shm.isValid(), "a consuming read clears valid");
            assertEquals(ShmRead.Status.NOT_VALID, shm.read().status());
            ShmSample s = read.sample().get();
            assertEquals(peeked.sample().get(), s);
            assertEquals(Instant.ofEpochSecond(T0, 5), s.clockTimeStamp());
            assertEquals(Instant.ofEpochSecond(T0 + 1, 7), s.receiveTimeStamp());
            assertEquals(-SECOND - 2, s.offsetNanos());
            assertEquals(1, s.mode());
            assertTrue(s.toString().contains("offset=-1.000000002s"), s.toString());
        }
    }

    @Test
    void aReadOnlyHandlePeeksAndNeverWrites() {
        try (NtpdShm writer = open(11, ShmLayout.LP64);
             NtpdShm monitor = NtpdShm.open(segments.options(11, backend()).readOnly(true).build())) {
            assertTrue(monitor.isReadOnly());
            writer.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            assertEquals(ShmRead.Status.OK, monitor.read().status());
            assertEquals(ShmRead.Status.OK, monitor.read().status(), "the monitor did not consume");
            assertTrue(writer.isValid());
            assertThrows(IllegalStateException.class, monitor::consume);
            assertThrows(IllegalStateException.class, () -> monitor.setValid(false));
            assertThrows(IllegalStateException.class, () -> monitor.update(Instant.now()));
            assertThrows(IllegalStateException.class, () -> monitor.setCount(3));
            assertTrue(writer.isValid());
        }
    }

    @Test
    void readsWhatAGpsdStyleCWriterWroteToTheNanosecond() {
        CPeer.of(ShmLayout.LP64).call("feed", segments.hexKey(12), "1", "0", "-123456789");
        try (NtpdShm shm = NtpdShm.open(segments.options(12, backend()).attachOnly().build())) {
            ShmSample s = shm.read().sample().orElseThrow(AssertionError::new);
            assertEquals(-123_456_789L, s.offsetNanos());
            assertEquals(2, s.count());
            assertTrue(s.hasNanoseconds());
        }
    }

    @Test
    void microsecondsAreUsedWhenTheNanosecondsDisagree() {
        CPeer.of(ShmLayout.LP64).call("write", segments.hexKey(13), "mode=1", "count=2", "valid=1",
                "clockTimeStampSec=" + T0, "clockTimeStampUSec=500", "clockTimeStampNSec=0",
                "receiveTimeStampSec=" + T0, "receiveTimeStampUSec=0", "receiveTimeStampNSec=0");
        try (NtpdShm shm = NtpdShm.open(segments.options(13, backend()).build())) {
            ShmSample s = shm.peek().sample().get();
            assertFalse(s.hasNanoseconds());
            assertEquals(500_000L, s.offsetNanos(), "as ntpd: USec * 1000 when NSec / 1000 != USec");
        }
    }

    @Test
    void aTornMode1SampleIsReportedAsAClashNeverAsData() throws Exception {
        try (NtpdShm reader = open(14, ShmLayout.LP64); NtpdShm writer = open(14, ShmLayout.LP64)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread w = new Thread(() -> {
                long i = 0;
                while (!stop.get()) {
                    long r = T0 * SECOND + (i++ % 1_000_000) * 997L;
                    long c = r - SECOND;  // always exactly 1 s behind
                    writer.update(c / SECOND, (int) (c % SECOND), r / SECOND, (int) (r % SECOND));
                }
            });
            w.start();
            int ok = 0;
            int clash = 0;
            long deadline = System.nanoTime() + 20 * SECOND;
            try {
                ShmSample.Mutable holder = new ShmSample.Mutable();
                boolean intoHolder = false;
                while ((clash < 10 || ok < 10) && System.nanoTime() < deadline) {
                    // Alternately the allocating read and the one into a caller's holder: the same algorithm.
                    intoHolder = !intoHolder;
                    if (intoHolder) {
                        ShmRead.Status st = reader.peek(holder);
                        if (st == ShmRead.Status.CLASH) {
                            clash++;
                        } else if (st == ShmRead.Status.OK) {
                            ok++;
                            assertEquals(-SECOND, holder.offsetNanos(), "torn sample in the holder: " + holder);
                        }
                        continue;
                    }
                    ShmRead r = reader.peek();
                    if (r.status() == ShmRead.Status.CLASH) {
                        clash++;
                        assertFalse(r.sample().isPresent());
                    } else if (r.isOk()) {
                        ok++;
                        assertEquals(-SECOND, r.sample().get().offsetNanos(), "torn sample handed out: " + r);
                    }
                }
            } finally {
                stop.set(true);
                w.join();
            }
            assertTrue(clash > 0, "no clash seen in 20 s of concurrent writes");
            assertTrue(ok > 0, "no whole sample seen in 20 s");
        }
    }

    @Test
    void aModeOtherThan0Or1IsReportedNotRead() {
        try (NtpdShm shm = open(15, ShmLayout.LP64)) {
            shm.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            shm.setMode(7);
            ShmRead r = shm.peek();
            assertEquals(ShmRead.Status.BAD_MODE, r.status());
            assertEquals(7, r.mode());
            assertFalse(r.sample().isPresent());
        }
    }

    @Test
    void readsIntoACallerOwnedHolderAsPeekAndConsumeDo() {
        try (NtpdShm shm = open(27, ShmLayout.LP64)) {
            ShmSample.Mutable into = new ShmSample.Mutable();
            assertEquals(ShmRead.Status.NOT_VALID, shm.peek(into));
            assertFalse(into.isFilled(), "a read that found nothing leaves the holder as it was");
            assertThrows(IllegalStateException.class, into::toSample);
            shm.update(Instant.ofEpochSecond(T0, 5), Instant.ofEpochSecond(T0 + 1, 7));
            assertEquals(ShmRead.Status.OK, shm.peek(into));
            assertTrue(shm.isValid(), "peek never writes");
            assertTrue(into.isFilled());
            assertEquals(shm.peek().sample().get(), into.toSample(), "the same sample as peek()");
            assertEquals(-SECOND - 2, into.offsetNanos());
            assertEquals(T0, into.clockTimeStampSec());
            assertEquals(5L, into.clockTimeStampNSec());
            assertEquals(0, into.clockTimeStampUSec());
            assertEquals(T0 + 1, into.receiveTimeStampSec());
            assertEquals(7L, into.receiveNanos());
            assertEquals(1, into.mode());
            assertEquals(NtpdShm.DEFAULT_PRECISION, into.precision());
            assertTrue(into.hasNanoseconds());
            assertEquals(into.toSample().toString(), into.toString());
            assertEquals(ShmRead.Status.OK, shm.consume(into));
            assertFalse(shm.isValid(), "a consuming read clears valid");
            assertEquals(ShmRead.Status.NOT_VALID, shm.consume(into));
            assertEquals(-SECOND - 2, into.offsetNanos(), "NOT_VALID keeps the last sample");
            shm.setMode(7);
            shm.setValid(true);
            assertEquals(ShmRead.Status.BAD_MODE, shm.peek(into));
            assertEquals(1, into.mode(), "BAD_MODE keeps the last sample");
        }
    }

    @Test
    void readingIntoAHolderKeepsTheHandlesRules() {
        try (NtpdShm writer = open(28, ShmLayout.ILP32);
             NtpdShm monitor = NtpdShm.open(segments.options(28, backend()).readOnly(true).build())) {
            writer.update(Instant.ofEpochSecond(T0, 123_456_789), Instant.ofEpochSecond(T0, 123_456_789));
            ShmSample.Mutable into = new ShmSample.Mutable();
            assertEquals(ShmRead.Status.OK, monitor.peek(into));
            assertEquals(0L, into.offsetNanos());
            assertEquals(123_456, into.clockTimeStampUSec(), "the 80-byte layout's fields");
            assertThrows(IllegalStateException.class, () -> monitor.consume(into), "a read-only handle never consumes");
            assertThrows(NullPointerException.class, () -> writer.peek((ShmSample.Mutable) null));
            writer.close();
            assertThrows(IllegalStateException.class, () -> writer.peek(into));
            assertThrows(IllegalStateException.class, () -> writer.consume(into));
            assertTrue(monitor.isValid());
        }
    }
}
