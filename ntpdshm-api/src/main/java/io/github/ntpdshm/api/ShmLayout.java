/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import java.util.Optional;

/**
 * The three memory layouts of {@code struct shmTime} met in practice.
 *
 * <p>The struct has no fixed layout: {@code time_t} is 8 or 4 bytes and aligned to 8 or 4 depending on the
 * peer's ABI, so the same source compiles to 96, 80 or 88 bytes. A Java process cannot learn a peer's
 * {@code time_t} from its own, so the layout is chosen when opening ({@link ShmOptions.Builder#layout}) and, for
 * an existing segment, inferred from its size ({@link #ofSize(long)}).
 *
 * <p>All offsets are in bytes from the start of the segment; every field is in the platform's native byte
 * order.
 */
public enum ShmLayout {
    /** 96 bytes: LP64 (x86_64, aarch64) and 32-bit ARM with 64-bit {@code time_t}; what ntpd creates there. */
    LP64("64-bit time_t", 96, 8, 8, 16, 24, 32, 36, 40, 44, 48, 52, 56, 60),
    /**
     * 80 bytes: 32-bit {@code time_t} (i386, armhf before the t64 transition; also gpsd 3.26 to 3.27.5 built with
     * {@code _TIME_BITS=64}, even on x86_64).
     */
    ILP32("32-bit time_t", 80, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48),
    /** 88 bytes: i386 with 64-bit {@code time_t} ({@code -D_TIME_BITS=64}), which is aligned to 4 there. */
    ILP32_TIME64("i386, 64-bit time_t", 88, 8, 8, 16, 20, 28, 32, 36, 40, 44, 48, 52, 56);

    /** Offset of {@code mode}: the same in every layout. */
    public static final int MODE = 0;
    /** Offset of {@code count}: the same in every layout. */
    public static final int COUNT = 4;
    /** Number of {@code int} elements in the trailing {@code dummy} array. */
    public static final int DUMMY_LENGTH = 8;

    private final String description;
    private final int size;
    private final int timeTSize;
    private final int clockTimeStampSec;
    private final int clockTimeStampUSec;
    private final int receiveTimeStampSec;
    private final int receiveTimeStampUSec;
    private final int leap;
    private final int precision;
    private final int nsamples;
    private final int valid;
    private final int clockTimeStampNSec;
    private final int receiveTimeStampNSec;
    private final int dummy;

    ShmLayout(String description, int size, int timeTSize, int clockTimeStampSec, int clockTimeStampUSec,
              int receiveTimeStampSec, int receiveTimeStampUSec, int leap, int precision, int nsamples, int valid,
              int clockTimeStampNSec, int receiveTimeStampNSec, int dummy) {
        this.description = description;
        this.size = size;
        this.timeTSize = timeTSize;
        this.clockTimeStampSec = clockTimeStampSec;
        this.clockTimeStampUSec = clockTimeStampUSec;
        this.receiveTimeStampSec = receiveTimeStampSec;
        this.receiveTimeStampUSec = receiveTimeStampUSec;
        this.leap = leap;
        this.precision = precision;
        this.nsamples = nsamples;
        this.valid = valid;
        this.clockTimeStampNSec = clockTimeStampNSec;
        this.receiveTimeStampNSec = receiveTimeStampNSec;
        this.dummy = dummy;
    }

    /** {@return {@code sizeof(struct shmTime)} in this layout: 96, 80 or 88} */
    public int size() {
        return size;
    }

    /** {@return {@code sizeof(time_t)}: 8 or 4} */
    public int timeTSize() {
        return timeTSize;
    }

    /** {@return the largest seconds value this layout's {@code time_t} holds} */
    public long maxSeconds() {
        return timeTSize == 8 ? Long.MAX_VALUE : Integer.MAX_VALUE;
    }

    /** {@return A short human description, e.g. {@code "32-bit time_t"}} */
    public String description() {
        return description;
    }

    /** {@return offset of {@code clockTimeStampSec}, a {@code time_t}} */
    public int clockTimeStampSec() {
        return clockTimeStampSec;
    }

    /** {@return offset of {@code clockTimeStampUSec}} */
    public int clockTimeStampUSec() {
        return clockTimeStampUSec;
    }

    /** {@return offset of {@code receiveTimeStampSec}, a {@code time_t}} */
    public int receiveTimeStampSec() {
        return receiveTimeStampSec;
    }

    /** {@return offset of {@code receiveTimeStampUSec}} */
    public int receiveTimeStampUSec() {
        return receiveTimeStampUSec;
    }

    /** {@return offset of {@code leap}} */
    public int leap() {
        return leap;
    }

    /** {@return offset of {@code precision}} */
    public int precision() {
        return precision;
    }

    /** {@return offset of {@code nsamples}} */
    public int nsamples() {
        return nsamples;
    }

    /** {@return offset of {@code valid}} */
    public int valid() {
        return valid;
    }

    /** {@return offset of {@code clockTimeStampNSec} (unsigned)} */
    public int clockTimeStampNSec() {
        return clockTimeStampNSec;
    }

    /** {@return offset of {@code receiveTimeStampNSec} (unsigned)} */
    public int receiveTimeStampNSec() {
        return receiveTimeStampNSec;
    }

    /** {@return offset of {@code dummy[0]}; {@link #DUMMY_LENGTH} ints follow} */
    public int dummy() {
        return dummy;
    }

    /**
     * The layout of a segment of this many bytes, if it is one of the three.
     *
     * @param segmentSize {@code shm_segsz} of an existing segment
     * @return the layout, or empty for any other size
     */
    public static Optional<ShmLayout> ofSize(long segmentSize) {
        for (ShmLayout l : values()) {
            if (l.size == segmentSize) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /**
     * The layout a C program built for this JVM's platform would use: {@link #LP64} on 64-bit platforms,
     * {@link #ILP32} on 32-bit ones (a 32-bit peer built with 64-bit {@code time_t} must be chosen explicitly).
     *
     * @return the platform's layout
     */
    public static ShmLayout platform() {
        String model = System.getProperty("sun.arch.data.model", "");
        if (model.equals("64")) {
            return LP64;
        }
        if (model.equals("32")) {
            return ILP32;
        }
        return System.getProperty("os.arch", "").contains("64") ? LP64 : ILP32;
    }

    /** {@return the name with size and description, for messages: {@code "ILP32 (80 bytes, 32-bit time_t)"}} */
    public String label() {
        return name() + " (" + size + " bytes, " + description + ")";
    }
}
