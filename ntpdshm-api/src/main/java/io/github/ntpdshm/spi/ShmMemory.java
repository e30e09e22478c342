/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.spi;

/**
 * An attached segment as the API sees it: aligned-or-not loads and stores of native-order ints and longs at byte
 * offsets, plus detaching.
 *
 * <p>The API stores only while it holds its handle's lock (a consuming read too, which clears {@code valid}), and
 * never after {@link #detach()}, which it also calls under that lock. It loads under the lock too, unless
 * {@link #isCloseSafe()}: then a non-consuming read, which only loads, may race {@code detach()}, and the memory
 * must make such a load fail with {@link IllegalStateException} instead of touching unmapped memory. An implementation need not be thread-safe otherwise. Plain accesses may be reordered by the
 * JIT; the API orders them with {@link java.lang.invoke.VarHandle#fullFence()} where the protocol needs it.
 */
public interface ShmMemory {

    /** {@return number of bytes exposed} */
    int size();

    /** {@return whether stores fail because the segment was attached with {@code SHM_RDONLY}} */
    boolean isReadOnly();

    /**
     * Whether an access racing {@link #detach()} fails in Java ({@link IllegalStateException}) instead of touching
     * unmapped memory, as a {@code MemorySegment} of a shared arena closed before {@code shmdt} does. Then the API
     * peeks (reads without storing) without taking its lock. Default: false.
     *
     * @return true when a racing access fails in Java
     */
    default boolean isCloseSafe() {
        return false;
    }

    /**
     * Plain load of a native-order {@code int}.
     *
     * @param offset byte offset in the segment
     * @return the value
     */
    int getInt(int offset);

    /**
     * Plain store of a native-order {@code int}.
     *
     * @param offset byte offset in the segment
     * @param value  the value
     */
    void putInt(int offset, int value);

    /**
     * Opaque load (C {@code volatile}: never cached, no ordering), for {@code count} and {@code valid}.
     *
     * @param offset byte offset in the segment
     * @return the value
     */
    int getIntOpaque(int offset);

    /**
     * Opaque store (C {@code volatile}: never cached, no ordering), for {@code count} and {@code valid}.
     *
     * @param offset byte offset in the segment
     * @param value  the value
     */
    void putIntOpaque(int offset, int value);

    /**
     * Plain load of a native-order {@code long}.
     *
     * @param offset byte offset in the segment; may be only 4-byte aligned (i386's {@code time_t})
     * @return the value
     */
    long getLong(int offset);

    /**
     * Plain store of a native-order {@code long}.
     *
     * @param offset byte offset in the segment; may be only 4-byte aligned (i386's {@code time_t})
     * @param value  the value
     */
    void putLong(int offset, long value);

    /**
     * {@code shmdt}: after this the memory must not be touched.
     *
     * @throws ErrnoException if {@code shmdt} fails
     */
    void detach() throws ErrnoException;
}
