/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

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

    /** {@code EPERM}, "Operation not permitted" (Linux numbering; an {@code errno} this library advises on). */
    public static final int EPERM = 1;
    /** {@code ENOENT}, "No such file or directory" (Linux numbering; an {@code errno} this library advises on). */
    public static final int ENOENT = 2;
    /** {@code ENOMEM}, "Cannot allocate memory" (Linux numbering; an {@code errno} this library advises on). */
    public static final int ENOMEM = 12;
    /** {@code EACCES}, "Permission denied" (Linux numbering; an {@code errno} this library advises on). */
    public static final int EACCES = 13;
    /** {@code EFAULT}, "Bad address" (Linux numbering; an {@code errno} this library advises on). */
    public static final int EFAULT = 14;
    /** {@code EEXIST}, "File exists" (Linux numbering; an {@code errno} this library advises on). */
    public static final int EEXIST = 17;
    /** {@code EINVAL}, "Invalid argument" (Linux numbering; an {@code errno} this library advises on). */
    public static final int EINVAL = 22;
    /** {@code ENFILE}, "Too many open files in system" (Linux numbering; an {@code errno} this library advises on). */
    public static final int ENFILE = 23;
    /** {@code EMFILE}, "Too many open files" (Linux numbering; an {@code errno} this library advises on). */
    public static final int EMFILE = 24;
    /** {@code ENOSPC}, "No space left on device" (Linux numbering; an {@code errno} this library advises on). */
    public static final int ENOSPC = 28;
    /** {@code EIDRM}, "Identifier removed" (Linux numbering; an {@code errno} this library advises on). */
    public static final int EIDRM = 43;
    /** {@code EINTR}, "Interrupted system call": chrony's SOCK refclock path (Linux numbering). */
    public static final int EINTR = 4;
    /** {@code EAGAIN}, "Resource temporarily unavailable": chrony's SOCK refclock path (Linux numbering). */
    public static final int EAGAIN = 11;
    /** {@code ENOTDIR}, "Not a directory": chrony's SOCK refclock path (Linux numbering). */
    public static final int ENOTDIR = 20;
    /** {@code ENOTSOCK}, "Socket operation on non-socket": chrony's SOCK refclock path (Linux numbering). */
    public static final int ENOTSOCK = 88;
    /** {@code EMSGSIZE}, "Message too long": chrony's SOCK refclock path (Linux numbering). */
    public static final int EMSGSIZE = 90;
    /** {@code EPROTOTYPE}, "Protocol wrong type for socket": chrony's SOCK refclock path (Linux numbering). */
    public static final int EPROTOTYPE = 91;
    /** {@code EADDRINUSE}, "Address already in use": chrony's SOCK refclock path (Linux numbering). */
    public static final int EADDRINUSE = 98;
    /** {@code ECONNREFUSED}, "Connection refused": chrony's SOCK refclock path (Linux numbering). */
    public static final int ECONNREFUSED = 111;

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
        return errnoName(errno);
    }

    /**
     * The symbolic name of a Linux {@code errno}.
     *
     * @param errno an {@code errno} value
     * @return e.g. {@code "EACCES"}, or {@code "errno N"} for one this library does not know
     */
    public static String errnoName(int errno) {
        switch (errno) {
            case 0: return "OK";
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case ENOMEM: return "ENOMEM";
            case EACCES: return "EACCES";
            case EFAULT: return "EFAULT";
            case EEXIST: return "EEXIST";
            case EINVAL: return "EINVAL";
            case ENFILE: return "ENFILE";
            case EMFILE: return "EMFILE";
            case ENOSPC: return "ENOSPC";
            case EIDRM: return "EIDRM";
            case EINTR: return "EINTR";
            case EAGAIN: return "EAGAIN";
            case ENOTDIR: return "ENOTDIR";
            case ENOTSOCK: return "ENOTSOCK";
            case EMSGSIZE: return "EMSGSIZE";
            case EPROTOTYPE: return "EPROTOTYPE";
            case EADDRINUSE: return "EADDRINUSE";
            case ECONNREFUSED: return "ECONNREFUSED";
            default: return "errno " + errno;
        }
    }

    /**
     * {@code strerror} of a Linux {@code errno}, as glibc words it.
     *
     * @param errno an {@code errno} value
     * @return e.g. {@code "Permission denied"}
     */
    public static String errnoText(int errno) {
        switch (errno) {
            case EPERM: return "Operation not permitted";
            case ENOENT: return "No such file or directory";
            case ENOMEM: return "Cannot allocate memory";
            case EACCES: return "Permission denied";
            case EFAULT: return "Bad address";
            case EEXIST: return "File exists";
            case EINVAL: return "Invalid argument";
            case ENFILE: return "Too many open files in system";
            case EMFILE: return "Too many open files";
            case ENOSPC: return "No space left on device";
            case EIDRM: return "Identifier removed";
            case EINTR: return "Interrupted system call";
            case EAGAIN: return "Resource temporarily unavailable";
            case ENOTDIR: return "Not a directory";
            case ENOTSOCK: return "Socket operation on non-socket";
            case EMSGSIZE: return "Message too long";
            case EPROTOTYPE: return "Protocol wrong type for socket";
            case EADDRINUSE: return "Address already in use";
            case ECONNREFUSED: return "Connection refused";
            default: return "Unknown error " + errno;
        }
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
}
