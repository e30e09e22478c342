package io.github.ntpdshm.api;

import java.util.Optional;

/**
 * The two sizes of chrony's {@code struct sock_sample} ({@code refclock_sock.c}):
 * {@code struct timeval tv; double offset; int pulse; int leap; int _pad; int magic;} in native byte order.
 *
 * <p>chronyd accepts only a datagram of exactly its own {@code sizeof(struct sock_sample)}, so a writer must use
 * the daemon's: {@link #TIME64} on 64-bit machines and on 32-bit ones built with 64-bit {@code time_t} (Debian's
 * armhf since the t64 transition, {@code -D_TIME_BITS=64}), {@link #TIME32} on 32-bit ones with 32-bit
 * {@code time_t} (i386). The {@code double} lands at offset 8 or 16 in both, so its alignment (4 on i386, 8
 * elsewhere) changes nothing.
 */
public enum SockLayout {
    /** 40 bytes: 64-bit {@code time_t} and {@code suseconds_t}. */
    TIME64("64-bit time_t", 40, 8, ShmLayout.LP64),
    /** 32 bytes: 32-bit {@code time_t} and {@code suseconds_t}. */
    TIME32("32-bit time_t", 32, 4, ShmLayout.ILP32);

    /** {@code SOCK_MAGIC}: {@code 0x534f434b}, "SOCK". */
    public static final int MAGIC = 0x534f434b;
    /** Offset of {@code tv.tv_sec}. */
    public static final int TV_SEC = 0;

    private final String description;
    private final int size;
    private final int timeTSize;
    private final ShmLayout timeRange;

    SockLayout(String description, int size, int timeTSize, ShmLayout timeRange) {
        this.description = description;
        this.size = size;
        this.timeTSize = timeTSize;
        this.timeRange = timeRange;
    }

    /** {@code sizeof(struct sock_sample)}: 40 or 32. */
    public int size() {
        return size;
    }

    /** {@code sizeof(time_t)} and {@code sizeof(suseconds_t)}: 8 or 4. */
    public int timeTSize() {
        return timeTSize;
    }

    /** Offset of {@code tv.tv_usec}. */
    public int tvUsec() {
        return timeTSize;
    }

    /** Offset of {@code offset}, a {@code double}. */
    public int offset() {
        return 2 * timeTSize;
    }

    /** Offset of {@code pulse}. */
    public int pulse() {
        return 2 * timeTSize + 8;
    }

    /** Offset of {@code leap}. */
    public int leap() {
        return 2 * timeTSize + 12;
    }

    /** Offset of {@code _pad}. */
    public int pad() {
        return 2 * timeTSize + 16;
    }

    /** Offset of {@code magic}. */
    public int magic() {
        return 2 * timeTSize + 20;
    }

    /** The largest {@code tv_sec} this layout holds. */
    public long maxSeconds() {
        return timeRange.maxSeconds();
    }

    /** The SHM layout with the same {@code time_t}, whose time checks the SOCK writer shares. */
    ShmLayout timeRange() {
        return timeRange;
    }

    /** {@code "40 bytes, 64-bit time_t"}. */
    public String label() {
        return size + " bytes, " + description;
    }

    /** The layout of this size, if any. */
    public static Optional<SockLayout> ofSize(long size) {
        for (SockLayout l : values()) {
            if (l.size == size) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** This platform's: {@link #TIME32} where {@code struct shmTime} has a 32-bit {@code time_t}, else {@link #TIME64}. */
    public static SockLayout platform() {
        return of(ShmLayout.platform());
    }

    /** The layout with the same {@code time_t} as this SHM layout. */
    public static SockLayout of(ShmLayout shm) {
        return shm.timeTSize() == 4 ? TIME32 : TIME64;
    }
}
