/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * {@link ShmMemory} over a direct {@link ByteBuffer} that maps the attached address, for backends whose own
 * memory access costs a native call per field (JNA's {@code Pointer}, jnr's {@code Pointer} on JDK 23+). The
 * view {@link VarHandle}s compile to single loads and stores.
 */
public final class ByteBufferMemory implements ShmMemory {

    /** How the backend detaches the address behind the buffer. */
    @FunctionalInterface
    public interface Detacher {
        /**
         * {@code shmdt} of the attached address.
         *
         * @throws ErrnoException if {@code shmdt} fails
         */
        void detach() throws ErrnoException;
    }

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final ByteBuffer buffer;
    private final boolean readOnly;
    private final Detacher detacher;

    /**
     * Memory over a buffer that maps the attached address.
     *
     * @param buffer   a direct buffer of exactly the exposed size over the attached address; a read-only
     *                 attachment should pass {@link ByteBuffer#asReadOnlyBuffer()} so a store fails in Java
     *                 instead of faulting
     * @param detacher called once by {@link #detach()}
     */
    public ByteBufferMemory(ByteBuffer buffer, Detacher detacher) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("the buffer must be direct: it maps the attached segment");
        }
        this.buffer = buffer;
        this.readOnly = buffer.isReadOnly();
        this.detacher = Objects.requireNonNull(detacher, "detacher");
    }

    /**
     * Writable memory over a fresh direct buffer attached to no segment, for {@link ShmBackend#scratch}.
     *
     * @param size how many bytes
     * @return the memory; detaching it does nothing (the garbage collector frees the buffer)
     */
    public static ByteBufferMemory scratch(int size) {
        return new ByteBufferMemory(ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder()), () -> { });
    }

    @Override
    public int size() {
        return buffer.capacity();
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public int getInt(int offset) {
        return (int) INT.get(buffer, offset);
    }

    @Override
    public void putInt(int offset, int value) {
        INT.set(buffer, offset, value);
    }

    @Override
    public int getIntOpaque(int offset) {
        return (int) INT.getOpaque(buffer, offset);
    }

    @Override
    public void putIntOpaque(int offset, int value) {
        INT.setOpaque(buffer, offset, value);
    }

    @Override
    public long getLong(int offset) {
        return (long) LONG.get(buffer, offset);
    }

    @Override
    public void putLong(int offset, long value) {
        LONG.set(buffer, offset, value);
    }

    @Override
    public void detach() throws ErrnoException {
        detacher.detach();
    }
}
