package io.github.ntpdshm.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Objects;

/**
 * One datagram of chrony's SOCK refclock as a receiver saw it: the fields of {@code struct sock_sample}, its
 * length, and whether chronyd would take it (exact size and {@link SockLayout#MAGIC}). Immutable.
 *
 * <p>{@code tv} is the system time of the sample, {@code offset} the reference time minus {@code tv} in seconds.
 */
public final class SockSample {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int length;
    private final SockLayout layout;
    private final long tvSec;
    private final long tvUsec;
    private final double offset;
    private final int pulse;
    private final int leap;
    private final int magic;

    private SockSample(int length, SockLayout layout, long tvSec, long tvUsec, double offset, int pulse, int leap,
                       int magic) {
        this.length = length;
        this.layout = layout;
        this.tvSec = tvSec;
        this.tvUsec = tvUsec;
        this.offset = offset;
        this.pulse = pulse;
        this.leap = leap;
        this.magic = magic;
    }

    /**
     * Decodes a datagram as chronyd does: fields only when its length is the layout's size, otherwise a sample
     * with just its length (and {@link #isValid()} false).
     *
     * @param datagram the bytes from position 0, any byte order (native order is used)
     * @param length   the datagram's length as {@code recv} returned it
     */
    public static SockSample decode(ByteBuffer datagram, int length, SockLayout layout) {
        Objects.requireNonNull(layout, "layout");
        if (length != layout.size()) {
            return new SockSample(length, layout, 0, 0, 0, 0, 0, 0);
        }
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        boolean t64 = layout.timeTSize() == 8;
        long sec = t64 ? b.getLong(SockLayout.TV_SEC) : b.getInt(SockLayout.TV_SEC);
        long usec = t64 ? b.getLong(layout.tvUsec()) : b.getInt(layout.tvUsec());
        return new SockSample(length, layout, sec, usec, b.getDouble(layout.offset()), b.getInt(layout.pulse()),
                b.getInt(layout.leap()), b.getInt(layout.magic()));
    }

    /** The datagram's length in bytes. */
    public int length() {
        return length;
    }

    /** The layout it was decoded with. */
    public SockLayout layout() {
        return layout;
    }

    /** Whether chronyd would take it: the layout's exact size and {@link SockLayout#MAGIC}. */
    public boolean isValid() {
        return length == layout.size() && magic == SockLayout.MAGIC;
    }

    /** {@code tv.tv_sec}: the system clock's seconds. */
    public long tvSec() {
        return tvSec;
    }

    /** {@code tv.tv_usec}. */
    public long tvUsec() {
        return tvUsec;
    }

    /** {@code offset}: reference time minus {@code tv}, in seconds. */
    public double offset() {
        return offset;
    }

    /** {@code pulse}: non-zero for a PPS edge without its seconds. */
    public int pulse() {
        return pulse;
    }

    /** {@code leap}: 0 none, 1 insert a second, 2 delete one. */
    public int leap() {
        return leap;
    }

    /** {@code magic}. */
    public int magic() {
        return magic;
    }

    /** {@link #offset()} in nanoseconds, rounded to the nearest. */
    public long offsetNanos() {
        return Math.round(offset * NANOS_PER_SECOND);
    }

    /** {@code tv} as an instant: the system time of the sample. */
    public Instant receiveTime() {
        return Instant.ofEpochSecond(tvSec, tvUsec * 1000);
    }

    /** {@code tv + offset} to the nanosecond: the reference clock's time, as chronyd computes it. */
    public Instant clockTime() {
        return receiveTime().plusNanos(offsetNanos());
    }

    @Override
    public String toString() {
        if (length != layout.size()) {
            return "SockSample[" + length + " bytes, not " + layout.size() + "]";
        }
        return "SockSample[tv=" + tvSec + "." + String.format("%06d", tvUsec) + " offset=" + offset + " pulse=" + pulse
                + " leap=" + leap + " magic=0x" + Integer.toHexString(magic) + "]";
    }
}
