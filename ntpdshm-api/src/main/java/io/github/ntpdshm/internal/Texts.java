/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.internal;

/**
 * How ntpdshm writes keys, durations and time differences, the same in the library's messages and the tool's
 * output. Internal: exported only to ntpdshm's own modules, and not part of the API.
 */
public final class Texts {

    private Texts() {
    }

    /**
     * A key the way {@code ipcs} shows it.
     *
     * @param key a System V key
     * @return e.g. {@code 0x4e545032}
     */
    public static String hex(int key) {
        return String.format("0x%08x", key);
    }

    /**
     * Nanoseconds as signed seconds with nine decimals.
     *
     * @param nanos a duration in nanoseconds
     * @return e.g. {@code -1.000000000}, {@code +0.500000000}
     */
    public static String seconds(long nanos) {
        return (nanos < 0 ? "-" : "+") + magnitude(nanos);
    }

    /**
     * The magnitude of nanoseconds as seconds with nine decimals, no sign; exact for every long.
     *
     * @param nanos a duration in nanoseconds
     * @return e.g. {@code 1.000000000} for -1 s or 1 s
     */
    public static String magnitude(long nanos) {
        long abs = nanos < 0 ? -nanos : nanos;  // Long.MIN_VALUE stays itself: read it as unsigned 2^63
        return Long.toUnsignedString(Long.divideUnsigned(abs, 1_000_000_000L)) + "."
                + String.format("%09d", Long.remainderUnsigned(abs, 1_000_000_000L));
    }
}
