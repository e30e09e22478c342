/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ntpdshm.api.LayoutChoice;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.internal.Errno;
import io.github.ntpdshm.internal.Texts;
import io.github.ntpdshm.spi.ShmBackend;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one conformance suite: every backend module runs it by extending this class and naming its backend.
 * Real System V segments under a private key base; C peers compiled for each layout check the offsets.
 */
@ExtendWith(PlatformRecord.class)
public abstract class ConformanceSuite {

    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_795_000_000L;  // 2026-11-18, inside every layout's time_t

    /** The segments of one test; removed after it, pass or fail. */
    protected final TestSegments segments = new TestSegments();

    /** {@return the name of the backend under test, as its {@code ShmBackend.name()} gives it: {@code panama}, {@code jna}, {@code jnr}, or a third-party backend's} */
    protected abstract String backend();

    /**
     * Opens a unit under the private key base with this backend.
     *
     * @param unit   the unit, 0..255
     * @param layout the layout of the segment
     * @return the open handle; the test closes it
     */
    protected NtpdShm open(int unit, ShmLayout layout) {
        return NtpdShm.open(segments.options(unit, backend()).layout(layout).build());
    }

    /** chrony's SOCK refclock through the same backend: the datagram socket calls of the SPI. */
    @Nested
    class ChronySockConformance extends SockConformance {
        @Override
        protected String backend() {
            return ConformanceSuite.this.backend();
        }
    }

    @AfterEach
    void removeSegmentsAndCheckNoneWasLeftAttached() {
        List<ShmSegment> attached = segments.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test (a handle was not closed): " + attached);
        assertTrue(segments.present().isEmpty(), "segments left behind: " + segments.present());
    }

    // ---- layout and offsets -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void offsetsMatchTheCCompiler(ShmLayout layout) {
        Map<String, String> c = CPeer.of(layout).fields("offsets");
        assertEquals(layout.size(), Integer.parseInt(c.get("sizeof")), "sizeof");
        assertEquals(layout.timeTSize(), Integer.parseInt(c.get("timeTSize")), "sizeof(time_t)");
        assertEquals(ShmLayout.MODE, off(c, "mode"));
        assertEquals(ShmLayout.COUNT, off(c, "count"));
        assertEquals(layout.clockTimeStampSec(), off(c, "clockTimeStampSec"));
        assertEquals(layout.clockTimeStampUSec(), off(c, "clockTimeStampUSec"));
        assertEquals(layout.receiveTimeStampSec(), off(c, "receiveTimeStampSec"));
        assertEquals(layout.receiveTimeStampUSec(), off(c, "receiveTimeStampUSec"));
        assertEquals(layout.leap(), off(c, "leap"));
        assertEquals(layout.precision(), off(c, "precision"));
        assertEquals(layout.nsamples(), off(c, "nsamples"));
        assertEquals(layout.valid(), off(c, "valid"));
        assertEquals(layout.clockTimeStampNSec(), off(c, "clockTimeStampNSec"));
        assertEquals(layout.receiveTimeStampNSec(), off(c, "receiveTimeStampNSec"));
        assertEquals(layout.dummy(), off(c, "dummy"));
    }

    /**
     * Every ABI number the library relies on, against the C library of this JVM's own ABI: errno values (named in
     * messages), the IPC flags and commands (passed to the kernel), and the byte order the fields are stored in.
     * docs/platforms.md lists where each lives and on which architectures this ran.
     */
    @Test
    void abiNumbersMatchTheCLibrary() {
        // The LP64 toolchain is this JVM's own ABI on 64-bit JVMs and armhf with 64-bit time_t on 32-bit ARM.
        CPeer abi = CPeer.of("abi.c", ShmLayout.LP64);
        Map<String, String> c = abi.fields();
        Map<String, Integer> ours = new java.util.LinkedHashMap<>();
        ours.put("EPERM", Errno.EPERM);
        ours.put("ENOENT", Errno.ENOENT);
        ours.put("ENOMEM", Errno.ENOMEM);
        ours.put("EACCES", Errno.EACCES);
        ours.put("EFAULT", Errno.EFAULT);
        ours.put("EEXIST", Errno.EEXIST);
        ours.put("EINVAL", Errno.EINVAL);
        ours.put("ENFILE", Errno.ENFILE);
        ours.put("EMFILE", Errno.EMFILE);
        ours.put("ENOSPC", Errno.ENOSPC);
        ours.put("EIDRM", Errno.EIDRM);
        ours.put("IPC_CREAT", ShmBackend.IPC_CREAT);
        ours.put("IPC_EXCL", ShmBackend.IPC_EXCL);
        ours.put("IPC_RMID", ShmBackend.IPC_RMID);
        ours.put("IPC_STAT", ShmBackend.IPC_STAT);
        ours.put("SHM_RDONLY", ShmBackend.SHM_RDONLY);
        ours.put("bigEndian", java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN ? 1 : 0);
        for (Map.Entry<String, Integer> e : ours.entrySet()) {
            assertEquals(String.valueOf(e.getValue()), c.get(e.getKey()), e.getKey() + " in Java vs the C library ("
                    + abi.describe() + ")");
        }
    }

    /**
     * A new segment takes the layout of the local daemon, told by its program's headers: the case that matters is a
     * 32-bit ARM JVM whose daemons were built with a 64-bit time_t (Debian 13, Ubuntu 24.04), where the C default
     * (80 bytes) would make a segment the daemon cannot attach.
     */
    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void aNewSegmentTakesTheLayoutOfTheLocalDaemon(ShmLayout layout) {
        Path daemon = CPeer.dynamicProgram("daemonlike.c", layout);
        withDaemons(daemon.toString(), () -> {
            LayoutChoice c = LayoutChoice.forNewSegments();
            assertEquals(java.util.Optional.of(layout), c.layout(), c.evidence());
            assertTrue(c.evidence().contains(daemon.toString()), c.evidence());
            try (NtpdShm shm = NtpdShm.open(segments.options(29, backend()).build())) {
                assertEquals(layout, shm.layout());
                assertEquals(layout.size(), shm.segment().size());
            }
        });
    }

    @Test
    void daemonsThatDisagreeOnTheLayoutMakeCreatingWithoutOneAnError() {
        Path lp64 = CPeer.dynamicProgram("daemonlike.c", ShmLayout.LP64);
        Path ilp32 = CPeer.dynamicProgram("daemonlike.c", ShmLayout.ILP32);
        withDaemons(lp64 + java.io.File.pathSeparator + ilp32, () -> {
            assertFalse(LayoutChoice.forNewSegments().layout().isPresent());
            NtpdShmException e = assertThrows(NtpdShmException.class,
                    () -> NtpdShm.open(segments.options(30, backend()).build()));
            assertTrue(e.getMessage().contains("disagree") && e.getMessage().contains(ilp32.toString())
                    && e.getMessage().contains("layout"), e.getMessage());
            assertTrue(segments.present().isEmpty(), "nothing created: " + segments.present());
            try (NtpdShm shm = NtpdShm.open(segments.options(30, backend()).layout(ShmLayout.ILP32).build())) {
                assertEquals(80, shm.segment().size(), "an explicit layout still works");
            }
        });
    }

    private static void withDaemons(String daemons, Runnable body) {
        String before = System.getProperty(LayoutChoice.DAEMONS_PROPERTY);
        System.setProperty(LayoutChoice.DAEMONS_PROPERTY, daemons);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(LayoutChoice.DAEMONS_PROPERTY);
            } else {
                System.setProperty(LayoutChoice.DAEMONS_PROPERTY, before);
            }
        }
    }

    private static int off(Map<String, String> c, String field) {
        return Integer.parseInt(c.get(field));
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void everyFieldWrittenInJavaIsReadByCAtItsOffset(ShmLayout layout) {
        try (NtpdShm shm = open(3, layout)) {
            assertEquals(layout, shm.layout());
            assertEquals(layout.size(), shm.segment().size());
            shm.setMode(1);
            shm.setCount(-7);
            shm.setClockTimeStampSec(T0 + 1);
            shm.setClockTimeStampUSec(111_111);
            shm.setClockTimeStampNSec(3_000_000_000L);  // unsigned beyond Integer.MAX_VALUE
            shm.setReceiveTimeStampSec(T0 + 2);
            shm.setReceiveTimeStampUSec(222_222);
            shm.setReceiveTimeStampNSec(222_222_333L);
            shm.setLeap(2);
            shm.setPrecision(-17);
            shm.setNsamples(5);
            shm.setValid(true);
            Map<String, String> c = CPeer.of(layout).fields("dump", segments.hexKey(3));
            assertEquals("1", c.get("mode"));
            assertEquals("-7", c.get("count"));
            assertEquals(Long.toString(T0 + 1), c.get("clockTimeStampSec"));
            assertEquals("111111", c.get("clockTimeStampUSec"));
            assertEquals("3000000000", c.get("clockTimeStampNSec"));
            assertEquals(Long.toString(T0 + 2), c.get("receiveTimeStampSec"));
            assertEquals("222222", c.get("receiveTimeStampUSec"));
            assertEquals("222222333", c.get("receiveTimeStampNSec"));
            assertEquals("2", c.get("leap"));
            assertEquals("-17", c.get("precision"));
            assertEquals("5", c.get("nsamples"));
            assertEquals("1", c.get("valid"));
            for (int i = 0; i < ShmLayout.DUMMY_LENGTH; i++) {
                assertEquals("0", c.get("dummy" + i), "dummy is never written");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void everyFieldWrittenInCIsReadByJava(ShmLayout layout) {
        CPeer.of(layout).call("write", segments.hexKey(4), "mode=1", "count=41", "clockTimeStampSec=" + (T0 + 3),
                "clockTimeStampUSec=333333", "clockTimeStampNSec=4000000000", "receiveTimeStampSec=" + (T0 + 4),
                "receiveTimeStampUSec=444444", "receiveTimeStampNSec=444444555", "leap=3", "precision=-29",
                "nsamples=9", "valid=1", "dummy7=99");
        try (NtpdShm shm = NtpdShm.open(segments.options(4, backend()).attachOnly().build())) {
            assertEquals(layout, shm.layout(), "layout inferred from the segment's size");
            assertEquals(1, shm.getMode());
            assertEquals(41, shm.getCount());
            assertEquals(T0 + 3, shm.getClockTimeStampSec());
            assertEquals(333_333, shm.getClockTimeStampUSec());
            assertEquals(4_000_000_000L, shm.getClockTimeStampNSec());
            assertEquals(T0 + 4, shm.getReceiveTimeStampSec());
            assertEquals(444_444, shm.getReceiveTimeStampUSec());
            assertEquals(444_444_555L, shm.getReceiveTimeStampNSec());
            assertEquals(3, shm.getLeap());
            assertEquals(-29, shm.getPrecision());
            assertEquals(9, shm.getNsamples());
            assertTrue(shm.isValid());
            assertEquals(T0 + 3.333333, shm.getClockTimeStamp(), 1e-6);
            assertEquals(T0 + 4.444444, shm.getReceiveTimeStamp(), 1e-6);
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void floatSecondsPseudoFieldsWriteSecUSecAndNSec(ShmLayout layout) {
        try (NtpdShm shm = open(5, layout)) {
            shm.setClockTimeStamp(T0 + 0.25);
            shm.setReceiveTimeStamp(T0 + 0.5);
            assertEquals(T0, shm.getClockTimeStampSec());
            assertEquals(250_000, shm.getClockTimeStampUSec());
            assertEquals(250_000_000L, shm.getClockTimeStampNSec());
            assertEquals(500_000, shm.getReceiveTimeStampUSec());
            assertEquals(500_000_000L, shm.getReceiveTimeStampNSec());
            assertEquals(T0 + 0.25, shm.getClockTimeStamp(), 1e-6);
            assertEquals(T0 + 0.5, shm.getReceiveTimeStamp(), 1e-6);
            shm.setClockTimeStamp(1.9999999999);  // rounds to a whole second: the nanoseconds carry
            assertEquals(2, shm.getClockTimeStampSec());
            assertEquals(0, shm.getClockTimeStampUSec());
            assertEquals(0L, shm.getClockTimeStampNSec());
            shm.update(1.9999999999, 3.0000000004, -20);
            assertEquals(2, shm.getClockTimeStampSec());
            assertEquals(0L, shm.getClockTimeStampNSec());
            assertEquals(3, shm.getReceiveTimeStampSec());
            assertEquals(0L, shm.getReceiveTimeStampNSec());
        }
    }

    // ---- the update sequence ------------------------------------------------------------------------------

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

    // ---- reading ------------------------------------------------------------------------------------------

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

    // ---- errors -------------------------------------------------------------------------------------------

    @Test
    void badArgumentsFailBeforeAnythingIsWritten() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> segments.options(256, backend()))
                .getMessage().contains("0..255"));
        assertThrows(IllegalArgumentException.class, () -> segments.options(-1, backend()));
        assertThrows(IllegalArgumentException.class, () -> io.github.ntpdshm.api.ShmOptions.builder(1)
                .keyBase(Integer.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> io.github.ntpdshm.api.ShmOptions.builder(1).keyBase(0));
        try (NtpdShm shm = open(16, ShmLayout.ILP32)) {
            shm.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            int count = shm.getCount();
            String msg = assertThrows(IllegalArgumentException.class, () -> shm.update(Double.NaN)).getMessage();
            assertTrue(msg.contains("NaN"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.update(Double.POSITIVE_INFINITY));
            assertThrows(IllegalArgumentException.class, () -> shm.update(-1.0));
            assertThrows(IllegalArgumentException.class, () -> shm.update(T0, Double.NaN, -20));
            assertThrows(IllegalArgumentException.class, () -> shm.update(Instant.ofEpochSecond(-5)));
            msg = assertThrows(IllegalArgumentException.class,
                    () -> shm.update(Instant.ofEpochSecond(1L << 31), Instant.ofEpochSecond(T0))).getMessage();
            assertTrue(msg.contains("time_t") && msg.contains("ILP32"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.setClockTimeStampSec(1L << 32));
            assertThrows(IllegalArgumentException.class, () -> shm.setClockTimeStampNSec(-1));
            assertThrows(IllegalArgumentException.class, () -> shm.update(T0, 1_000_000_000, T0, 0));
            msg = assertThrows(IllegalArgumentException.class, () -> shm.setLeap(4)).getMessage();
            assertTrue(msg.contains("0..3"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.setPrecision(NtpdShm.MIN_PRECISION - 1));
            assertThrows(IllegalArgumentException.class, () -> shm.setPrecision(NtpdShm.MAX_PRECISION + 1));
            assertThrows(IllegalArgumentException.class, () -> shm.update(T0, T0, 5));
            assertEquals(count, shm.getCount(), "nothing was written");
            assertEquals(0, shm.getLeap());
            assertEquals(NtpdShm.DEFAULT_PRECISION, shm.getPrecision());
        }
    }

    @Test
    void timesNoReaderCanRepresentAreRejectedAtUpdateNamingTheSeconds() {
        try (NtpdShm shm = open(31, ShmLayout.LP64)) {
            shm.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            int count = shm.getCount();
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> shm.update(Long.MAX_VALUE, 0, 1_700_000_000L, 0)).getMessage();
            assertTrue(msg.contains(Long.toString(Long.MAX_VALUE)) && msg.contains("Instant"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.update(9.2e18, 1.7e9, -20));
            assertThrows(IllegalArgumentException.class,
                    () -> shm.update(Instant.MAX.getEpochSecond() + 1, 0, T0, 0));
            msg = assertThrows(IllegalArgumentException.class, () -> shm.update(1e300)).getMessage();
            assertTrue(msg.contains("1.0E300") && !msg.contains("nanoseconds"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.setClockTimeStamp(1e300));
            assertEquals(count, shm.getCount(), "nothing was written");
            shm.update(Instant.MAX.getEpochSecond(), 0, T0, 0);  // the last representable second is fine
            assertTrue(shm.peek().sample().get().timeStampsInRange());
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void aHostileSegmentIsReadWithoutThrowingAndSaysWhatIsOutOfRange(ShmLayout layout) {
        boolean t64 = layout.timeTSize() == 8;
        String huge = t64 ? Long.toString(Long.MAX_VALUE) : Integer.toString(Integer.MAX_VALUE);
        String tiny = t64 ? Long.toString(Long.MIN_VALUE) : Integer.toString(Integer.MIN_VALUE);
        CPeer.of(layout).call("write", segments.hexKey(32), "mode=1", "count=4", "clockTimeStampSec=" + huge,
                "clockTimeStampNSec=4294967295", "receiveTimeStampSec=" + tiny, "receiveTimeStampUSec=-5", "valid=1");
        try (NtpdShm shm = NtpdShm.open(segments.options(32, backend()).readOnly(true).build())) {
            ShmRead r = shm.peek();
            assertEquals(ShmRead.Status.OK, r.status());
            ShmSample s = r.sample().get();
            assertEquals(!t64, s.timeStampsInRange());
            // 32-bit time_t: 2^32 - 1 s apart still fits; 64-bit: saturates with the right sign, never wraps
            long expected = t64 ? Long.MAX_VALUE : 4_294_967_295_000_005_000L;
            assertEquals(expected, s.offsetNanos());
            String text = s.toString() + r;
            if (t64) {
                assertTrue(text.contains("out of range"), text);
            }
            ShmSample.Mutable into = new ShmSample.Mutable();
            assertEquals(ShmRead.Status.OK, shm.peek(into));
            assertEquals(expected, into.offsetNanos());
            assertEquals(text, into.toString() + r);
        }
    }

    @Test
    void offsetsSaturateWithTheRightSign() {
        long y2264 = 9_300_000_000L;
        assertEquals(Long.MAX_VALUE, sample(y2264, 0, 0, 0).offsetNanos(), "clock 2264, receive 1970");
        assertEquals(Long.MIN_VALUE, sample(0, 0, y2264, 0).offsetNanos());
        assertEquals(Long.MIN_VALUE, sample(Long.MIN_VALUE, 0, Long.MAX_VALUE, 0).offsetNanos());
        assertEquals(Long.MAX_VALUE, sample(Long.MAX_VALUE, 0, Long.MIN_VALUE, 999_999_999).offsetNanos());
        assertEquals(9_223_372_036_854_775_807L, sample(9_223_372_036L, 854_775_807, 0, 0).offsetNanos(), "exact at the edge");
        assertEquals(-SECOND + 1, sample(T0, 1, T0 + 1, 0).offsetNanos());
        assertEquals("-9223372036.854775808", Texts.seconds(Long.MIN_VALUE));
        assertEquals("+9223372036.854775807", Texts.seconds(Long.MAX_VALUE));
        assertEquals("-0.000000001", Texts.seconds(-1));
        assertTrue(sample(y2264, 0, 0, 0).toString().contains("offset=(out of range)"));
    }

    private static ShmSample sample(long clockSec, long clockNSec, long receiveSec, long receiveNSec) {
        return new ShmSample(1, 2, clockSec, (int) (clockNSec / 1000), clockNSec, receiveSec,
                (int) (receiveNSec / 1000), receiveNSec, 0, -20, 0);
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void aWriterRealignsACountLeftOddByAWriterThatDiedMidSample(ShmLayout layout) {
        CPeer.of(layout).call("write", segments.hexKey(33), "mode=1", "count=7", "valid=1",
                "clockTimeStampSec=" + T0, "receiveTimeStampSec=" + T0);
        try (NtpdShm shm = NtpdShm.open(segments.options(33, backend()).attachOnly().build())) {
            assertEquals(ShmRead.Status.OK, shm.peek().status(), "an odd count that stays put is no clash");
            shm.update(Instant.ofEpochSecond(T0 + 1), Instant.ofEpochSecond(T0 + 1));
            assertEquals(10, shm.getCount(), "7 realigned to 8, then the sample's two increments");
            shm.update(Instant.ofEpochSecond(T0 + 2), Instant.ofEpochSecond(T0 + 2));
            assertEquals(12, shm.getCount());
            assertEquals(0, shm.otherWriterUpdates());
        }
    }

    @Test
    void aSecondWriterOnTheUnitIsNoticed() {
        try (NtpdShm a = open(34, ShmLayout.LP64);
             NtpdShm b = open(34, ShmLayout.LP64)) {
            a.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            a.update(Instant.ofEpochSecond(T0 + 1), Instant.ofEpochSecond(T0 + 1));
            assertEquals(0, a.otherWriterUpdates(), "its own samples only");
            b.update(Instant.ofEpochSecond(T0 + 2), Instant.ofEpochSecond(T0 + 2));
            a.update(Instant.ofEpochSecond(T0 + 3), Instant.ofEpochSecond(T0 + 3));
            assertEquals(1, a.otherWriterUpdates());
            b.update(Instant.ofEpochSecond(T0 + 4), Instant.ofEpochSecond(T0 + 4));
            assertEquals(1, b.otherWriterUpdates());
            CPeer.of(ShmLayout.LP64).call("feed", segments.hexKey(34), "1", "0", "0");
            a.update(Instant.ofEpochSecond(T0 + 5), Instant.ofEpochSecond(T0 + 5));
            assertEquals(2, a.otherWriterUpdates(), "a C writer too");
            a.setCount(100);
            a.update(Instant.ofEpochSecond(T0 + 6), Instant.ofEpochSecond(T0 + 6));
            assertEquals(2, a.otherWriterUpdates(), "its own setCount is not another writer");
        }
    }

    @Test
    void aReadOnlyHandleRefusesToRemoveTheSegment() {
        try (NtpdShm writer = open(35, ShmLayout.LP64);
             NtpdShm monitor = NtpdShm.open(segments.options(35, backend()).readOnly(true).build())) {
            String msg = assertThrows(IllegalStateException.class, monitor::removeSegment).getMessage();
            assertTrue(msg.contains("read-only"), msg);
            assertFalse(writer.segment().isMarkedForRemoval());
        }
    }

    @Test
    void droppedHandlesAreDetachedOnceCollected() throws InterruptedException {
        int n = 50;
        List<NtpdShm> handles = openAll(36, n);
        assertEquals(n, ShmSegment.ofKey(segments.key(36)).get().attachCount());
        handles.clear();  // dropped without close(); held until here, so that no collection could run before
        // Waits for the collector, which no code can force; the cleaner runs as soon as it has found them.
        for (int i = 0; i < 200 && ShmSegment.ofKey(segments.key(36)).get().attachCount() > 0; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, ShmSegment.ofKey(segments.key(36)).get().attachCount(), "dropped handles still attached");
    }

    private List<NtpdShm> openAll(int unit, int n) {
        List<NtpdShm> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NtpdShm h = open(unit, ShmLayout.LP64);
            h.update(Instant.ofEpochSecond(T0 + i), Instant.ofEpochSecond(T0 + i));
            handles.add(h);
        }
        return handles;
    }

    @Test
    void aWriterIsWarnedWhenTheSegmentIsNotWhatItAskedFor() {
        try (NtpdShm precreated = NtpdShm.open(segments.options(0, backend()).permissions(0666).build());
             NtpdShm mine = open(37, ShmLayout.LP64);
             NtpdShm writer = NtpdShm.open(segments.options(0, backend()).build());
             NtpdShm monitor = NtpdShm.open(segments.options(0, backend()).readOnly(true).build())) {
            assertFalse(precreated.accessWarning().isPresent(), "its creator got what it asked for");
            assertFalse(mine.accessWarning().isPresent());
            String w = writer.accessWarning().orElseThrow(AssertionError::new);
            assertTrue(w.contains("0666") && w.contains("0600") && w.contains("system clock"), w);
            assertTrue(w.contains(Texts.hex(segments.key(0))), w);
            assertFalse(monitor.accessWarning().isPresent(), "a monitor asked for no permissions");
        }
    }

    @Test
    void useAfterCloseThrowsAndCloseIsIdempotent() {
        NtpdShm shm = open(17, ShmLayout.LP64);
        shm.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
        shm.close();
        shm.close();
        assertTrue(shm.isClosed());
        String msg = assertThrows(IllegalStateException.class, shm::getCount).getMessage();
        assertTrue(msg.contains("closed"), msg);
        assertThrows(IllegalStateException.class, shm::peek);
        assertThrows(IllegalStateException.class, () -> shm.update(Instant.now()));
        assertThrows(IllegalStateException.class, shm::getClockTimeStamp);
        assertThrows(IllegalStateException.class, () -> shm.setValid(true));
    }

    @Test
    void closingWhileOtherThreadsReadAndWriteNeverTouchesDetachedMemory() throws Exception {
        for (int round = 0; round < 40; round++) {
            NtpdShm shm = open(27, ShmLayout.LP64);
            shm.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(2);
            Thread reader = new Thread(() -> untilClosed(running, unexpected, () -> shm.peek(new ShmSample.Mutable())));
            Thread writer = new Thread(() -> untilClosed(running, unexpected,
                    () -> shm.update(T0, 0, T0, 0)));
            reader.start();
            writer.start();
            running.await();
            shm.close();
            reader.join();
            writer.join();
            if (unexpected.get() != null) {
                throw new AssertionError("an access racing close() failed otherwise than 'closed'", unexpected.get());
            }
        }
    }

    private static void untilClosed(java.util.concurrent.CountDownLatch running, AtomicReference<Throwable> unexpected,
                                    Runnable access) {
        running.countDown();
        try {
            while (true) {
                access.run();
            }
        } catch (IllegalStateException e) {
            if (!String.valueOf(e.getMessage()).contains("is closed")) {
                unexpected.set(e);
            }
        } catch (Throwable t) {
            unexpected.set(t);
        }
    }

    @Test
    void closeDetaches() {
        NtpdShm shm = open(18, ShmLayout.LP64);
        assertEquals(1, shm.segment().attachCount());
        shm.close();
        ShmSegment after = ShmSegment.ofKey(segments.key(18)).orElseThrow(AssertionError::new);
        assertEquals(0, after.attachCount(), "closed handle still attached");
    }

    @Test
    void aSmallerSegmentIsEinvalWithTheSizeAndLayoutToUse() {
        CPeer.of(ShmLayout.ILP32).call("write", segments.hexKey(19), "mode=1");
        NtpdShmException e = assertThrows(NtpdShmException.class, () -> open(19, ShmLayout.LP64));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("EINVAL", e.errnoName());
        assertEquals(19, e.unit());
        assertEquals(segments.key(19), e.key());
        String msg = e.getMessage();
        assertTrue(msg.contains(Texts.hex(segments.key(19))), msg);
        assertTrue(msg.contains("80 bytes") && msg.contains("ILP32") && msg.contains("Invalid argument"), msg);
        try (NtpdShm shm = open(19, ShmLayout.ILP32)) {
            assertEquals(ShmLayout.ILP32, shm.layout());
        }
    }

    @Test
    void aLargerSegmentIsRefusedRatherThanWrittenAtWrongOffsets() {
        CPeer.of(ShmLayout.LP64).call("write", segments.hexKey(20), "mode=1");
        NtpdShmException e = assertThrows(NtpdShmException.class, () -> open(20, ShmLayout.ILP32));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("96 bytes") && e.getMessage().contains("LP64"), e.getMessage());
    }

    @Test
    void attachingAMissingSegmentIsEnoentWithWhatToDo() {
        NtpdShmException e = assertThrows(NtpdShmException.class,
                () -> NtpdShm.open(segments.options(21, backend()).attachOnly().build()));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("ENOENT") && e.getMessage().contains("no segment exists"), e.getMessage());
        assertTrue(e.getMessage().contains(Texts.hex(segments.key(21))), e.getMessage());
        e = assertThrows(NtpdShmException.class,
                () -> NtpdShm.open(segments.options(21, backend()).readOnly(true).build()));
        assertEquals(Errno.ENOENT, e.errno(), "read-only never creates");
        assertTrue(segments.present().isEmpty());
    }

    @Test
    void createsWithNtpdsPermissionsOrTheGivenOnes() {
        try (NtpdShm one = NtpdShm.open(segments.options(1, backend()).build());
             NtpdShm two = NtpdShm.open(segments.options(2, backend()).build());
             NtpdShm custom = NtpdShm.open(segments.options(22, backend()).permissions(0640).build())) {
            assertEquals(0600, one.segment().permissions());
            assertEquals(0666, two.segment().permissions());
            assertEquals(0640, custom.segment().permissions());
            assertEquals(LayoutChoice.forNewSegments().layout().get().size(), two.segment().size());
            assertEquals(backend(), two.backendName());
        }
    }

    @Test
    void removeMarksTheSegmentForRemoval() {
        try (NtpdShm shm = open(23, ShmLayout.LP64)) {
            shm.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
        }
        assertTrue(NtpdShm.remove(segments.options(23, backend()).build()));
        assertFalse(ShmSegment.ofKey(segments.key(23)).isPresent());
        assertFalse(NtpdShm.remove(segments.options(23, backend()).build()), "nothing left to remove");
    }

    @Test
    void accessDeniedIsEaccesWithOwnerAndPermissionsAndAReadOnlyMonitorWorks() throws Exception {
        assumeTrue(OtherUser.available(), "needs root and setpriv to run a JVM as nobody");
        try (NtpdShm rootOnly = NtpdShm.open(segments.options(0, backend()).layout(ShmLayout.LP64).build());
             NtpdShm readable = NtpdShm.open(segments.options(24, backend()).layout(ShmLayout.LP64)
                     .permissions(0644).build())) {
            assertEquals(0600, rootOnly.segment().permissions());
            readable.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            String denied = runAsNobody(0, "rw");
            assertTrue(denied.contains("FAILED errno=EACCES"), denied);
            assertTrue(denied.contains("uid 0 with permissions 0600") && denied.contains("uid 65534"), denied);
            assertTrue(denied.contains(Texts.hex(segments.key(0))), denied);
            String monitor = runAsNobody(24, "ro");
            assertTrue(monitor.contains("OPENED layout=LP64 read=OK"), monitor);
            String writer = runAsNobody(24, "rw");
            assertTrue(writer.contains("FAILED errno=EACCES"), writer);
        }
    }

    private String runAsNobody(int unit, String mode) throws IOException {
        return OtherUser.runAsNobody(OpenAs.class.getName(), Arrays.asList(backend(),
                Integer.toHexString(segments.keyBase()), Integer.toString(unit), mode), 60);
    }

    @Test
    void anUnknownBackendNameSaysWhatIsAvailable() {
        NtpdShmException e = assertThrows(NtpdShmException.class,
                () -> NtpdShm.open(segments.options(25, "nosuch").build()));
        assertTrue(e.getMessage().contains("nosuch") && e.getMessage().contains(backend()), e.getMessage());
        assertTrue(segments.present().isEmpty());
    }

    @Test
    void manyOpensAndClosesLeaveNothingAttached() {
        for (int i = 0; i < 200; i++) {
            try (NtpdShm shm = open(26, ShmLayout.LP64)) {
                shm.update(Instant.ofEpochSecond(T0 + i), Instant.ofEpochSecond(T0 + i));
            }
        }
        ShmSegment s = ShmSegment.ofKey(segments.key(26)).orElseThrow(AssertionError::new);
        assertEquals(0, s.attachCount(), "a closed handle is still attached");
    }
}
