/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.internal.Errno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.spi.ByteBufferMemory;
import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmMemory;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The handle's own rules over process memory instead of a segment (this module has no backend); the conformance
 * suite runs the same paths over real segments with every backend.
 */
class ShmHandleTest {
    private static final long T0 = 1_795_000_000L;
    private static final long SECOND_NANOS = 1_000_000_000L;

    /** Close-safe like Panama's memory, counting the stores made while the handle's lock was free. */
    private static final class CloseSafeMemory implements ShmMemory {
        private final ByteBufferMemory mem = new ByteBufferMemory(ByteBuffer.allocateDirect(96), () -> { });
        HandleLock handle;
        int storesWithoutLock;

        private void store() {
            if (!handle.isLocked()) {
                storesWithoutLock++;
            }
        }

        @Override
        public boolean isCloseSafe() {
            return true;
        }

        @Override
        public int size() {
            return mem.size();
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }

        @Override
        public int getInt(int offset) {
            return mem.getInt(offset);
        }

        @Override
        public void putInt(int offset, int value) {
            store();
            mem.putInt(offset, value);
        }

        @Override
        public int getIntOpaque(int offset) {
            return mem.getIntOpaque(offset);
        }

        @Override
        public void putIntOpaque(int offset, int value) {
            store();
            mem.putIntOpaque(offset, value);
        }

        @Override
        public long getLong(int offset) {
            return mem.getLong(offset);
        }

        @Override
        public void putLong(int offset, long value) {
            store();
            mem.putLong(offset, value);
        }

        @Override
        public void detach() throws ErrnoException {
            mem.detach();
        }
    }

    private static ShmHandle handle(CloseSafeMemory mem) {
        ShmHandle h = new ShmHandle(null, ShmOptions.builder(2).layout(ShmLayout.LP64).build(), ShmLayout.LP64, 1,
                mem);
        mem.handle = h;
        return h;
    }

    /** ShmMemory promises its implementations that every store holds the lock: a consuming read stores valid = 0. */
    @Test
    void aConsumingReadOfCloseSafeMemoryStoresUnderTheLock() {
        CloseSafeMemory mem = new CloseSafeMemory();
        ShmHandle h = handle(mem);
        h.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0 + 1));
        assertEquals(ShmRead.Status.OK, h.peek(new ShmSample.Mutable()));
        assertEquals(ShmRead.Status.OK, h.consume(new ShmSample.Mutable()));
        assertFalse(h.isValid());
        assertEquals(0, mem.storesWithoutLock);
        h.close();
    }

    @Test
    void everyUpdateGivenBothTimeStampsTakesAPrecisionThatTheOthersKeep() {
        ShmHandle h = handle(new CloseSafeMemory());
        h.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0 + 1), -10);
        assertEquals(-10, h.peek().sample().get().precision());
        h.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0 + 1));
        assertEquals(-10, h.peek().sample().get().precision());
        h.update(T0, 5, T0 + 1, 7, -12);
        assertEquals(-12, h.peek().sample().get().precision());
        h.update(T0, 5, T0 + 1, 7);
        assertEquals(-12, h.getPrecision());
        h.update(T0 + 0.5, T0 + 1.5, -14);
        assertEquals(-14, h.getPrecision());
        assertThrows(IllegalArgumentException.class, () -> h.update(T0, 0, T0, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> h.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0), NtpdShm.MIN_PRECISION - 1));
        assertEquals(-14, h.getPrecision(), "a refused precision writes nothing");
        h.close();
    }

    @Test
    void aSampleAndItsHolderAreOneView() {
        ShmHandle h = handle(new CloseSafeMemory());
        h.update(T0, 123_456_789, T0 + 1, 987_654_321);
        ShmSample.Mutable m = new ShmSample.Mutable();
        assertEquals(ShmRead.Status.OK, h.peek(m));
        ShmSampleView[] views = {m, m.toSample()};
        for (ShmSampleView v : views) {
            assertEquals(T0, v.clockTimeStampSec());
            assertEquals(123_456_789, v.clockNanos());
            assertEquals(-SECOND_NANOS - 864_197_532, v.offsetNanos());
            assertEquals(Instant.ofEpochSecond(T0 + 1, 987_654_321), v.receiveTimeStamp());
            assertTrue(v.hasNanoseconds() && v.timeStampsInRange());
        }
        h.close();
    }

    /** Without the kernel's table nothing says the segment is gone: the error must say the table, not EIDRM. */
    @Test
    void anUnreadableTableIsNotARemovedSegment() {
        NtpdShmException e = assertThrows(NtpdShmException.class,
                () -> ShmOpener.find("panama", "stat", ShmOptions.of(2), 7, Optional.empty()));
        assertEquals(0, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains("cannot read /proc/sysvipc/shm"), e.getMessage());
        e = assertThrows(NtpdShmException.class, () -> ShmOpener.find("panama", "stat", ShmOptions.of(2), 7,
                Optional.of(Collections.emptyList())));
        assertEquals(Errno.EIDRM, e.errno(), "a readable table without the id: removed");
    }
}
