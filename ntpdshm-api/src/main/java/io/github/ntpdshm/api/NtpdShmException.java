/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.internal.Errno;

/**
 * A shared-memory operation failed: a system call returned an error, a segment does not fit the layout, or no
 * backend can work in this JVM. The message names the operation, the unit, the key in hex, {@code errno} by
 * name and text, and what to do about it.
 *
 * <p>Bad arguments are reported with {@link IllegalArgumentException} and use after close with
 * {@link IllegalStateException}, before anything is written.
 */
public class NtpdShmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The call or step that failed. */
    private final String operation;
    /** The unit, or -1. */
    private final int unit;
    /** The System V key. */
    private final int key;
    /** The {@code errno}, or 0. */
    private final int errno;

    /**
     * A failure with its whole message.
     *
     * @param operation the call or step that failed, e.g. {@code "shmat"}
     * @param unit      the unit, or -1 when none applies
     * @param key       the System V key
     * @param errno     the {@code errno}, or 0 when no system call failed
     * @param message   the whole message
     */
    public NtpdShmException(String operation, int unit, int key, int errno, String message) {
        super(message);
        this.operation = operation;
        this.unit = unit;
        this.key = key;
        this.errno = errno;
    }

    /** {@return the call or step that failed, e.g. {@code "shmget"}, {@code "shmat"}, {@code "backend"}} */
    public String operation() {
        return operation;
    }

    /** {@return the unit, or -1 when none applies} */
    public int unit() {
        return unit;
    }

    /** {@return the System V key} */
    public int key() {
        return key;
    }

    /** {@return the {@code errno}, or 0 when no system call failed} */
    public int errno() {
        return errno;
    }

    /** {@return the symbolic name of {@link #errno()}, e.g. {@code "EACCES"}} */
    public String errnoName() {
        return Errno.name(errno);
    }

}
