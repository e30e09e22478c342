/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.TestSegments;
import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SPI contract straight on each usable backend, below the API: errno values, read-only attachments that
 * refuse stores in Java, unaligned longs, IPC_STAT into a direct buffer and IPC_RMID with a null one.
 */
class BackendSpiTest {

    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final int EINVAL = 22;
    private static final int SEGSZ_LP64 = 48;

    private final TestSegments segments = new TestSegments();

    @AfterEach
    void removeSegments() {
        List<ShmSegment> attached = segments.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    static List<String> usable() {
        return CrossBackendTest.usable();
    }

    @ParameterizedTest
    @MethodSource("usable")
    void theSystemCallsAndTheirErrno(String name) throws Exception {
        ShmBackend b = ShmBackends.select(name);
        int key = segments.key(70);
        assertEquals(ENOENT, assertThrows(ErrnoException.class, () -> b.shmget(key, 96, 0)).errno());
        int id = b.shmget(key, 96, ShmBackend.IPC_CREAT | ShmBackend.IPC_EXCL | 0600);
        assertEquals(EEXIST, assertThrows(ErrnoException.class,
                () -> b.shmget(key, 96, ShmBackend.IPC_CREAT | ShmBackend.IPC_EXCL | 0600)).errno());
        assertEquals(EINVAL, assertThrows(ErrnoException.class, () -> b.shmget(key, 4096, 0)).errno(),
                "bigger than the segment");
        assertEquals(id, b.shmget(key, 0, 0));

        ByteBuffer ds = ByteBuffer.allocateDirect(256).order(ByteOrder.nativeOrder());
        b.shmctl(id, ShmBackend.IPC_STAT, ds);
        assertEquals(key, ds.getInt(0), "shm_perm.__key");
        assertEquals(96, ds.getLong(SEGSZ_LP64), "shm_segsz");

        ShmMemory rw = b.shmat(id, 96, false);
        ShmMemory ro = b.shmat(id, 96, true);
        try {
            assertEquals(96, rw.size());
            assertFalse(rw.isReadOnly());
            assertTrue(ro.isReadOnly());
            rw.putInt(0, 1);
            rw.putIntOpaque(4, -7);
            rw.putLong(12, 0x0123_4567_89AB_CDEFL);  // 4-byte aligned only, as i386's time_t
            rw.putLong(88, Long.MIN_VALUE);         // the last 8 bytes
            assertEquals(1, ro.getInt(0));
            assertEquals(-7, ro.getIntOpaque(4));
            assertEquals(0x0123_4567_89AB_CDEFL, ro.getLong(12));
            assertEquals(Long.MIN_VALUE, ro.getLong(88));
            // a store fails in Java instead of faulting: ReadOnlyBufferException from a ByteBuffer (jna, jnr),
            // IllegalArgumentException from a read-only MemorySegment (panama)
            Class<? extends RuntimeException> refused = name.equals("panama") ? IllegalArgumentException.class
                    : ReadOnlyBufferException.class;
            assertThrows(refused, () -> ro.putInt(0, 2));
            assertThrows(refused, () -> ro.putIntOpaque(4, 2));
            assertThrows(refused, () -> ro.putLong(8, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> rw.getInt(96), "only size bytes are exposed");
            assertEquals(1, rw.getInt(0), "nothing was stored");
            assertEquals(2, ShmSegment.ofKey(key).orElseThrow(AssertionError::new).attachCount());
        } finally {
            rw.detach();
            ro.detach();
        }
        assertEquals(0, ShmSegment.ofKey(key).orElseThrow(AssertionError::new).attachCount());

        assertEquals(EINVAL, assertThrows(ErrnoException.class, () -> b.shmat(-1, 96, false)).errno());
        b.shmctl(id, ShmBackend.IPC_RMID, null);
        assertEquals(ENOENT, assertThrows(ErrnoException.class, () -> b.shmget(key, 0, 0)).errno());
        assertEquals(EINVAL, assertThrows(ErrnoException.class, () -> b.shmctl(id, ShmBackend.IPC_RMID, null))
                .errno());
    }
}
