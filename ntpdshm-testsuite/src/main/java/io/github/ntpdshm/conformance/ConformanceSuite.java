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
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.internal.Errno;
import io.github.ntpdshm.internal.Texts;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one conformance suite: every backend module runs it by extending this class and naming its backend.
 * Real System V segments under a private key base; C peers compiled for each layout check the offsets.
 * Its tests are grouped in one package-private class per topic, each extending the one before: layout and
 * offsets, the update sequence, reading, errors in values, and here the errors of handles and segments.
 */
@ExtendWith(PlatformRecord.class)
public abstract class ConformanceSuite extends ValueConformance {

    /** chrony's SOCK refclock through the same backend: the datagram socket calls of the SPI. */
    @Nested
    class ChronySockConformance extends SockConformance {
        @Override
        protected String backend() {
            return ConformanceSuite.this.backend();
        }
    }

    // ---- errors of handles and segments -------------------------------------------------------------------

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
