/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.spi.ShmMemory;

import java.lang.invoke.VarHandle;

/**
 * The SHM protocol over any {@link ShmMemory}: gpsd's mode-1 write sequence and ntpd's read algorithm, at one
 * layout's offsets. The one place that knows the order of the stores, loads and fences. Immutable and without
 * state of its own: whoever calls it holds the memory, keeps any lock, and remembers what it wrote; another
 * transport that maps a {@code struct shmTime} can use it as it is.
 */
final class ShmProtocol {

    final ShmLayout layout;
    final boolean timeT64;
    // Offsets copied out of the layout so that the hot path reads final fields only.
    final int oClockSec, oClockUSec, oClockNSec, oRecvSec, oRecvUSec, oRecvNSec;
    final int oLeap, oPrecision, oNsamples, oValid;

    ShmProtocol(ShmLayout layout) {
        this.layout = layout;
        this.timeT64 = layout.timeTSize() == 8;
        this.oClockSec = layout.clockTimeStampSec();
        this.oClockUSec = layout.clockTimeStampUSec();
        this.oClockNSec = layout.clockTimeStampNSec();
        this.oRecvSec = layout.receiveTimeStampSec();
        this.oRecvUSec = layout.receiveTimeStampUSec();
        this.oRecvNSec = layout.receiveTimeStampNSec();
        this.oLeap = layout.leap();
        this.oPrecision = layout.precision();
        this.oNsamples = layout.nsamples();
        this.oValid = layout.valid();
    }

    /** A {@code time_t} at {@code offset}, 4 or 8 bytes as the layout has it. */
    long getTime(ShmMemory m, int offset) {
        return timeT64 ? m.getLong(offset) : m.getInt(offset);
    }

    void putTime(ShmMemory m, int offset, long sec) {
        if (timeT64) {
            m.putLong(offset, sec);
        } else {
            m.putInt(offset, (int) sec);
        }
    }

    /**
     * gpsd's mode-1 write: {@code valid = 0; count++; fence; fields; fence; count++; fence; valid = 1}. The fences
     * are C11 {@code atomic_thread_fence(memory_order_seq_cst)}'s equivalent. Allocates nothing.
     *
     * @param writeMode whether to store {@code mode = 1} first (once per writer is enough)
     * @return {@code count} as found before this write; {@link #countAfter} gives the count it left
     */
    int publish(ShmMemory m, boolean writeMode, long clockSec, int clockNanos, long receiveSec, int receiveNanos,
                int leap, int precision) {
        if (writeMode) {
            m.putInt(ShmLayout.MODE, 1);
        }
        // Readers skip an invalid sample, and one whose count is odd or moves is torn.
        m.putIntOpaque(oValid, 0);
        int found = m.getIntOpaque(ShmLayout.COUNT);
        int count = evenCount(found);
        m.putIntOpaque(ShmLayout.COUNT, count + 1);
        VarHandle.fullFence();
        putTime(m, oClockSec, clockSec);
        m.putInt(oClockUSec, clockNanos / 1000);
        m.putInt(oClockNSec, clockNanos);
        putTime(m, oRecvSec, receiveSec);
        m.putInt(oRecvUSec, receiveNanos / 1000);
        m.putInt(oRecvNSec, receiveNanos);
        m.putInt(oLeap, leap);
        // ntpd overwrites precision when it starts, so it goes with every sample.
        m.putInt(oPrecision, precision);
        VarHandle.fullFence();
        m.putIntOpaque(ShmLayout.COUNT, count + 2);
        VarHandle.fullFence();
        m.putIntOpaque(oValid, 1);
        return found;
    }

    /** {@return the count {@link #publish} leaves when it found {@code found}} */
    static int countAfter(int found) {
        return evenCount(found) + 2;
    }

    /** A writer that died between its two increments left count odd: start from even again, or dump says torn. */
    private static int evenCount(int found) {
        return (found & 1) != 0 ? found + 1 : found;
    }

    /**
     * ntpd's reader: nothing unless valid; count before, fence, copy, (clear valid,) fence, count after. Stricter
     * than ntpd in one way: a {@code valid} that dropped to 0 during the copy also marks a mode-1 sample torn,
     * because gpsd's writer clears it before it moves count. Fills {@code into} only when the status is OK, and
     * records mode and counts whatever the status (for {@link ShmRead}); allocates nothing.
     */
    ShmRead.Status read(ShmMemory m, boolean consume, ShmSample.Mutable into) {
        if (m.getIntOpaque(oValid) == 0) {
            return ShmRead.Status.NOT_VALID;
        }
        int before = m.getIntOpaque(ShmLayout.COUNT);
        VarHandle.fullFence();
        int mode = m.getInt(ShmLayout.MODE);
        long cSec = getTime(m, oClockSec);
        int cUSec = m.getInt(oClockUSec);
        int cNSec = m.getInt(oClockNSec);
        long rSec = getTime(m, oRecvSec);
        int rUSec = m.getInt(oRecvUSec);
        int rNSec = m.getInt(oRecvNSec);
        int lp = m.getInt(oLeap);
        int prec = m.getInt(oPrecision);
        int ns = m.getInt(oNsamples);
        VarHandle.fullFence();
        boolean stillValid = m.getIntOpaque(oValid) != 0;
        if (consume) {
            m.putIntOpaque(oValid, 0);
            VarHandle.fullFence();
        }
        int after = m.getIntOpaque(ShmLayout.COUNT);
        into.readMode = mode;
        into.readCountBefore = before;
        into.readCountAfter = after;
        if (mode == 1 && (before != after || !stillValid)) {
            return ShmRead.Status.CLASH;
        }
        if (mode != 0 && mode != 1) {
            return ShmRead.Status.BAD_MODE;
        }
        into.set(mode, before, cSec, cUSec, Integer.toUnsignedLong(cNSec), rSec, rUSec, Integer.toUnsignedLong(rNSec),
                lp, prec, ns);
        return ShmRead.Status.OK;
    }

    /** The immutable result of a read into {@code m} that returned {@code status}. */
    static ShmRead toRead(ShmRead.Status status, ShmSample.Mutable m) {
        switch (status) {
            case OK:
                return ShmRead.ok(m.toSample(), m.readCountAfter);
            case CLASH:
                return ShmRead.clash(m.readMode, m.readCountBefore, m.readCountAfter);
            case BAD_MODE:
                return ShmRead.badMode(m.readMode, m.readCountBefore);
            default:
                return ShmRead.notValid();
        }
    }
}
