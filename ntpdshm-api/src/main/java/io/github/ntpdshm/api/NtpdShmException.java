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

    /** {@code errno} values whose advice this library knows (Linux numbering). */
    public static final int EPERM = 1, ENOENT = 2, ENOMEM = 12, EACCES = 13, EFAULT = 14, EEXIST = 17,
            EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOSPC = 28, EIDRM = 43;
    /** Socket {@code errno} values of chrony's SOCK refclock path (Linux numbering). */
    public static final int EINTR = 4, EAGAIN = 11, ENOTDIR = 20, ENOTSOCK = 88, EMSGSIZE = 90, EPROTOTYPE = 91,
            EADDRINUSE = 98, ECONNREFUSED = 111;

    private final String operation;
    private final int unit;
    private final int key;
    private final int errno;

    /**
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

    /** The call or step that failed, e.g. {@code "shmget"}, {@code "shmat"}, {@code "backend"}. */
    public String operation() {
        return operation;
    }

    /** The unit, or -1 when none applies. */
    public int unit() {
        return unit;
    }

    /** The System V key. */
    public int key() {
        return key;
    }

    /** The {@code errno}, or 0 when no system call failed. */
    public int errno() {
        return errno;
    }

    /** The symbolic name of {@link #errno()}, e.g. {@code "EACCES"}. */
    public String errnoName() {
        return errnoName(errno);
    }

    /** The symbolic name of a Linux {@code errno}, e.g. {@code "EACCES"}, or {@code "errno N"}. */
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

    /** {@code strerror} of a Linux {@code errno}, as glibc words it. */
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

    /** A key the way {@code ipcs} shows it: {@code 0x4e545032}. */
    public static String hex(int key) {
        return String.format("0x%08x", key);
    }
}
