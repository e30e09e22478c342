/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.spi;

/**
 * A system call failed with this {@code errno}. Backends throw it; the API turns it into an
 * {@link io.github.ntpdshm.api.NtpdShmException} that names the operation, unit and key and says what to do.
 */
public final class ErrnoException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The {@code errno} of the failed call. */
    private final int errno;

    /**
     * A failure with this {@code errno}.
     *
     * @param errno the {@code errno} read right after the failing call
     */
    public ErrnoException(int errno) {
        super("errno " + errno, null, false, false);
        this.errno = errno;
    }

    /** {@return the {@code errno} value} */
    public int errno() {
        return errno;
    }
}
