/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.spi.ShmMemory;

/**
 * The seed's field API of {@link NtpdShm}: one getter and one setter per field of {@code struct shmTime}, named as
 * in C, and the float-seconds pseudo fields. Each is one access under the handle's lock, with no fences; the safe
 * path and the reads are in {@link ShmHandle}.
 */
abstract class ShmFields extends HandleLock {

    private static final long MAX_UNSIGNED_INT = 0xFFFF_FFFFL;

    final ShmMemory mem;
    final ShmProtocol protocol;
    final ShmLayout layout;

    // Guarded by the lock: what the handle keeps between samples, which these setters change too.
    boolean modeWritten;
    int leap;
    int precision = DEFAULT_PRECISION;
    /** The count this handle's last sample (or {@link #setCount}) left. */
    int lastCount;

    ShmFields(ShmOptions options, ShmLayout layout, ShmMemory mem) {
        super(options);
        this.mem = mem;
        this.layout = layout;
        this.protocol = new ShmProtocol(layout);
    }

    // ---- one field under the lock -------------------------------------------------------------------------

    private int readInt(int offset) {
        lock();
        try {
            checkOpen();
            return mem.getInt(offset);
        } finally {
            unlock();
        }
    }

    private void writeInt(int offset, int value) {
        lock();
        try {
            checkWritable();
            mem.putInt(offset, value);
        } finally {
            unlock();
        }
    }

    private long readUnsigned(int offset) {
        return Integer.toUnsignedLong(readInt(offset));
    }

    private void writeUnsigned(String field, int offset, long v) {
        if (v < 0 || v > MAX_UNSIGNED_INT) {
            throw new IllegalArgumentException(field + " " + v + " is out of range 0.." + MAX_UNSIGNED_INT
                    + " (an unsigned C int)");
        }
        writeInt(offset, (int) v);
    }

    private long readTime(int offset) {
        lock();
        try {
            checkOpen();
            return protocol.getTime(mem, offset);
        } finally {
            unlock();
        }
    }

    private void writeTime(String field, int offset, long sec) {
        long min = protocol.timeT64 ? Long.MIN_VALUE : Integer.MIN_VALUE;
        if (sec < min || sec > layout.maxSeconds()) {
            throw new IllegalArgumentException(field + " " + sec + " does not fit layout " + layout.label()
                    + ": time_t holds " + min + ".." + layout.maxSeconds());
        }
        lock();
        try {
            checkWritable();
            protocol.putTime(mem, offset, sec);
        } finally {
            unlock();
        }
    }

    // ---- raw fields ---------------------------------------------------------------------------------------

    @Override
    public int getMode() {
        return readInt(ShmLayout.MODE);
    }

    @Override
    public void setMode(int mode) {
        lock();
        try {
            checkWritable();
            mem.putInt(ShmLayout.MODE, mode);
            modeWritten = mode == 1;
        } finally {
            unlock();
        }
    }

    @Override
    public int getCount() {
        lock();
        try {
            checkOpen();
            return mem.getIntOpaque(ShmLayout.COUNT);
        } finally {
            unlock();
        }
    }

    @Override
    public void setCount(int count) {
        lock();
        try {
            checkWritable();
            mem.putIntOpaque(ShmLayout.COUNT, count);
            lastCount = count;
        } finally {
            unlock();
        }
    }

    @Override
    public long getClockTimeStampSec() {
        return readTime(protocol.oClockSec);
    }

    @Override
    public void setClockTimeStampSec(long sec) {
        writeTime("clockTimeStampSec", protocol.oClockSec, sec);
    }

    @Override
    public int getClockTimeStampUSec() {
        return readInt(protocol.oClockUSec);
    }

    @Override
    public void setClockTimeStampUSec(int usec) {
        writeInt(protocol.oClockUSec, usec);
    }

    @Override
    public long getClockTimeStampNSec() {
        return readUnsigned(protocol.oClockNSec);
    }

    @Override
    public void setClockTimeStampNSec(long nsec) {
        writeUnsigned("clockTimeStampNSec", protocol.oClockNSec, nsec);
    }

    @Override
    public long getReceiveTimeStampSec() {
        return readTime(protocol.oRecvSec);
    }

    @Override
    public void setReceiveTimeStampSec(long sec) {
        writeTime("receiveTimeStampSec", protocol.oRecvSec, sec);
    }

    @Override
    public int getReceiveTimeStampUSec() {
        return readInt(protocol.oRecvUSec);
    }

    @Override
    public void setReceiveTimeStampUSec(int usec) {
        writeInt(protocol.oRecvUSec, usec);
    }

    @Override
    public long getReceiveTimeStampNSec() {
        return readUnsigned(protocol.oRecvNSec);
    }

    @Override
    public void setReceiveTimeStampNSec(long nsec) {
        writeUnsigned("receiveTimeStampNSec", protocol.oRecvNSec, nsec);
    }

    @Override
    public int getLeap() {
        return readInt(protocol.oLeap);
    }

    @Override
    public void setLeap(int leap) {
        SampleRules.checkLeap(leap);
        lock();
        try {
            checkWritable();
            mem.putInt(protocol.oLeap, leap);
            this.leap = leap;
        } finally {
            unlock();
        }
    }

    @Override
    public int getPrecision() {
        return readInt(protocol.oPrecision);
    }

    @Override
    public void setPrecision(int precision) {
        SampleRules.checkPrecision(precision);
        lock();
        try {
            checkWritable();
            mem.putInt(protocol.oPrecision, precision);
            this.precision = precision;
        } finally {
            unlock();
        }
    }

    @Override
    public int getNsamples() {
        return readInt(protocol.oNsamples);
    }

    @Override
    public void setNsamples(int nsamples) {
        writeInt(protocol.oNsamples, nsamples);
    }

    @Override
    public boolean isValid() {
        lock();
        try {
            checkOpen();
            return mem.getIntOpaque(protocol.oValid) != 0;
        } finally {
            unlock();
        }
    }

    @Override
    public void setValid(boolean valid) {
        lock();
        try {
            checkWritable();
            mem.putIntOpaque(protocol.oValid, valid ? 1 : 0);
        } finally {
            unlock();
        }
    }

    // ---- float-seconds pseudo fields ----------------------------------------------------------------------

    @Override
    public double getClockTimeStamp() {
        return getTimeStamp(protocol.oClockSec, protocol.oClockUSec);
    }

    @Override
    public void setClockTimeStamp(double seconds) {
        setTimeStamp("clock", seconds, protocol.oClockSec, protocol.oClockUSec, protocol.oClockNSec);
    }

    @Override
    public double getReceiveTimeStamp() {
        return getTimeStamp(protocol.oRecvSec, protocol.oRecvUSec);
    }

    @Override
    public void setReceiveTimeStamp(double seconds) {
        setTimeStamp("receive", seconds, protocol.oRecvSec, protocol.oRecvUSec, protocol.oRecvNSec);
    }

    private double getTimeStamp(int oSec, int oUSec) {
        lock();
        try {
            checkOpen();
            return protocol.getTime(mem, oSec) + mem.getInt(oUSec) / 1e6;
        } finally {
            unlock();
        }
    }

    private void setTimeStamp(String what, double seconds, int oSec, int oUSec, int oNSec) {
        SampleRules.checkSeconds(what, seconds);
        long sec = SampleRules.wholeSeconds(seconds);
        int nanos = SampleRules.nanosOf(seconds);
        SampleRules.checkTime(layout, what, sec, nanos);
        lock();
        try {
            checkWritable();
            protocol.putTime(mem, oSec, sec);
            mem.putInt(oUSec, nanos / 1000);
            mem.putInt(oNSec, nanos);
        } finally {
            unlock();
        }
    }
}
