/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.internal;

/**
 * The Linux {@code errno} values this library names and advises on, their names and glibc's texts. Internal:
 * exported only to ntpdshm's own modules, and not part of the API.
 */
public final class Errno {

    /** {@code EPERM}, "Operation not permitted" (Linux numbering). */
    public static final int EPERM = 1;
    /** {@code ENOENT}, "No such file or directory" (Linux numbering). */
    public static final int ENOENT = 2;
    /** {@code ENOMEM}, "Cannot allocate memory" (Linux numbering). */
    public static final int ENOMEM = 12;
    /** {@code EACCES}, "Permission denied" (Linux numbering). */
    public static final int EACCES = 13;
    /** {@code EFAULT}, "Bad address" (Linux numbering). */
    public static final int EFAULT = 14;
    /** {@code EEXIST}, "File exists" (Linux numbering). */
    public static final int EEXIST = 17;
    /** {@code EINVAL}, "Invalid argument" (Linux numbering). */
    public static final int EINVAL = 22;
    /** {@code ENFILE}, "Too many open files in system" (Linux numbering). */
    public static final int ENFILE = 23;
    /** {@code EMFILE}, "Too many open files" (Linux numbering). */
    public static final int EMFILE = 24;
    /** {@code ENOSPC}, "No space left on device" (Linux numbering). */
    public static final int ENOSPC = 28;
    /** {@code EIDRM}, "Identifier removed" (Linux numbering). */
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

    private Errno() {
    }

    /**
     * The symbolic name of a Linux {@code errno}.
     *
     * @param errno an {@code errno} value
     * @return e.g. {@code "EACCES"}, or {@code "errno N"} for one this library does not know
     */
    public static String name(int errno) {
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
    public static String text(int errno) {
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
}
