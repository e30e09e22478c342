/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.panama;

import io.github.ntpdshm.spi.ByteBufferMemory;
import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/** An attached segment as a {@link MemorySegment} with {@code static final} VarHandles. */
final class PanamaMemory implements ShmMemory {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    // i386's 64-bit time_t is only 4-byte aligned (the 88-byte layout puts one at offset 20).
    private static final VarHandle LONG = ValueLayout.JAVA_LONG_UNALIGNED.varHandle();

    private final MemorySegment segment;
    private final boolean readOnly;
    private final ByteBufferMemory.Detacher detacher;

    PanamaMemory(MemorySegment segment, boolean readOnly, ByteBufferMemory.Detacher detacher) {
        this.segment = segment;
        this.readOnly = readOnly;
        this.detacher = detacher;
    }

    @Override
    public int size() {
        return (int) segment.byteSize();
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    /** The view belongs to a shared arena that detach closes before {@code shmdt}: a racing access throws. */
    @Override
    public boolean isCloseSafe() {
        return true;
    }

    @Override
    public int getInt(int offset) {
        return (int) INT.get(segment, (long) offset);
    }

    @Override
    public void putInt(int offset, int value) {
        INT.set(segment, (long) offset, value);
    }

    @Override
    public int getIntOpaque(int offset) {
        return (int) INT.getOpaque(segment, (long) offset);
    }

    @Override
    public void putIntOpaque(int offset, int value) {
        INT.setOpaque(segment, (long) offset, value);
    }

    @Override
    public long getLong(int offset) {
        return (long) LONG.get(segment, (long) offset);
    }

    @Override
    public void putLong(int offset, long value) {
        LONG.set(segment, (long) offset, value);
    }

    @Override
    public void detach() throws ErrnoException {
        detacher.detach();
    }
}
