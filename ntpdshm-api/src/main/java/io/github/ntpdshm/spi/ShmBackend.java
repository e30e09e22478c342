/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.spi;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A way to reach the System V shared-memory calls from Java: the only thing a backend does.
 *
 * <p>Backends are found with {@link java.util.ServiceLoader} (register the implementation in
 * {@code META-INF/services/io.github.ntpdshm.spi.ShmBackend}, and with {@code provides} in a module's
 * {@code module-info}); they need a public no-argument constructor that does no native work. Most extend
 * {@link NativeBackend}, which leaves them only their native bindings. They attach, detach and expose memory;
 * the layout, the write sequence, the read algorithm and the error messages live in the API module, so every
 * backend behaves the same.
 *
 * <p>Every method that calls the kernel throws {@link ErrnoException} carrying {@code errno} when the call fails;
 * errno must be read only after a failing return.
 *
 * <p>chrony's SOCK refclock needs a UNIX <em>datagram</em> socket, which the JDK's channels do not offer (they are
 * stream-only), so the few socket calls it needs are here too. The API builds every {@code struct sockaddr_un},
 * {@code struct pollfd} and datagram in Java; a backend only passes the direct buffers to libc. Their defaults
 * throw {@link UnsupportedOperationException}, for a backend written before they existed.
 */
public interface ShmBackend {

    /** {@code IPC_CREAT}: create the segment if the key has none. */
    int IPC_CREAT = 01000;
    /** {@code IPC_EXCL}: with {@link #IPC_CREAT}, fail if the key has a segment. */
    int IPC_EXCL = 02000;
    /** {@code IPC_RMID}: mark a segment for removal once the last process detaches. */
    int IPC_RMID = 0;
    /** {@code IPC_STAT}: copy the segment's {@code struct shmid_ds}. */
    int IPC_STAT = 2;
    /** {@code SHM_RDONLY}: attach read-only. */
    int SHM_RDONLY = 010000;

    /** {@code AF_UNIX}. */
    int AF_UNIX = 1;
    /** {@code SOCK_DGRAM}. */
    int SOCK_DGRAM = 2;
    /** {@code SOCK_NONBLOCK} (Linux's generic value: x86, arm, aarch64, ppc, s390x, riscv). */
    int SOCK_NONBLOCK = 04000;
    /** {@code SOCK_CLOEXEC}. */
    int SOCK_CLOEXEC = 02000000;
    /** {@code POLLIN}. */
    short POLLIN = 1;

    /** {@return the name users select it by with {@code -Dntpdshm.backend=NAME}: panama, jna, jnr} */
    String name();

    /** {@return the priority: higher wins when no backend is named (Panama 30, JNA 20, JNR 10)} */
    int priority();

    /**
     * Why this backend cannot work in this JVM (JDK too old, library missing, native access denied), or empty
     * when it can, as netty's {@code Epoll.unavailabilityCause()}: computed once and kept; must not throw. Its
     * message is one line for a user; an {@link Unavailability} says what to do and carries what was thrown as
     * its cause. {@link NativeBackend} implements it.
     *
     * @return the reason, or empty
     */
    Optional<Throwable> unavailabilityCause();

    /**
     * {@code shmget(key, size, shmflg)}.
     *
     * @param key    the System V key
     * @param size   the segment size in bytes
     * @param shmflg permission bits, with {@link #IPC_CREAT} and {@link #IPC_EXCL} as wanted
     * @return the segment's id
     * @throws ErrnoException if {@code shmget} fails
     */
    int shmget(int key, long size, int shmflg) throws ErrnoException;

    /**
     * {@code shmat(shmid, NULL, readOnly ? SHM_RDONLY : 0)}, exposed as {@code size} bytes of memory.
     *
     * @param shmid    the segment's id
     * @param size     how many bytes of the attachment to expose; never more than the segment has
     * @param readOnly attach with {@link #SHM_RDONLY}
     * @return the attached memory
     * @throws ErrnoException if {@code shmat} fails
     */
    ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException;

    /**
     * Writable memory of {@code size} bytes attached to no segment, of the same class as {@link #shmat}'s, which
     * the API writes and reads when a writer opens a unit so that the JIT compiles the exact code the real
     * segment will run before its first sample (a reference clock calls once a second: interpreted, a sample's
     * receive stamp would be tens of microseconds late). Nothing else ever sees it; {@link ShmMemory#detach()}
     * releases it. The default, a {@link ByteBufferMemory} over a direct buffer, fits backends whose
     * {@code shmat} returns one.
     *
     * @param size how many bytes
     * @return the scratch memory
     */
    default ShmMemory scratch(int size) {
        return ByteBufferMemory.scratch(size);
    }

    /**
     * {@code shmctl(shmid, cmd, buf)}.
     *
     * @param shmid the segment's id
     * @param cmd   {@link #IPC_STAT} or {@link #IPC_RMID}
     * @param buf   a direct buffer in native order of at least 256 bytes for {@link #IPC_STAT}, or {@code null}
     * @return what {@code shmctl} returns (0 for these commands)
     * @throws ErrnoException if {@code shmctl} fails
     */
    int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException;

    // ---- UNIX datagram sockets (chrony's SOCK refclock) ---------------------------------------------------

    /**
     * {@code socket(domain, type, protocol)}.
     *
     * @param domain   {@link #AF_UNIX}
     * @param type     {@link #SOCK_DGRAM}, with {@link #SOCK_NONBLOCK} and {@link #SOCK_CLOEXEC} as wanted
     * @param protocol 0
     * @return the new file descriptor
     * @throws ErrnoException if {@code socket} fails
     */
    default int socket(int domain, int type, int protocol) throws ErrnoException {
        throw noSockets();
    }

    /**
     * {@code bind(fd, addr, addrLen)}.
     *
     * @param fd      the socket
     * @param addr    a direct buffer holding a {@code struct sockaddr_un} from position 0
     * @param addrLen the address's length in bytes
     * @throws ErrnoException if {@code bind} fails
     */
    default void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        throw noSockets();
    }

    /**
     * {@code connect(fd, addr, addrLen)}.
     *
     * @param fd      the socket
     * @param addr    as for {@link #bind}
     * @param addrLen the address's length in bytes
     * @throws ErrnoException if {@code connect} fails
     */
    default void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        throw noSockets();
    }

    /**
     * {@code sendto(fd, buf, len, flags, addr, addrLen)}: the number of bytes sent.
     *
     * @param fd      the socket
     * @param buf     a direct buffer holding the datagram from position 0
     * @param len     the datagram's length in bytes
     * @param flags   {@code sendto}'s flags
     * @param addr    as for {@link #bind}
     * @param addrLen the address's length in bytes
     * @return the number of bytes sent
     * @throws ErrnoException if {@code sendto} fails
     */
    default int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen)
            throws ErrnoException {
        throw noSockets();
    }

    /**
     * {@code recv(fd, buf, len, flags)}: the datagram's length (for a datagram longer than {@code len}, with
     * {@code MSG_TRUNC}, its whole length).
     *
     * @param fd    the socket
     * @param buf   a direct buffer the kernel writes from position 0
     * @param len   the buffer's length in bytes
     * @param flags {@code recv}'s flags
     * @return the datagram's length
     * @throws ErrnoException if {@code recv} fails
     */
    default int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException {
        throw noSockets();
    }

    /**
     * {@code poll(fds, nfds, timeout)}: how many descriptors are ready, 0 on timeout.
     *
     * @param fds           a direct buffer of {@code nfds} {@code struct pollfd} from position 0
     * @param nfds          how many
     * @param timeoutMillis milliseconds to wait, -1 for ever
     * @return how many descriptors are ready, 0 on timeout
     * @throws ErrnoException if {@code poll} fails
     */
    default int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException {
        throw noSockets();
    }

    /**
     * {@code close(fd)}.
     *
     * @param fd the descriptor
     * @throws ErrnoException if {@code close} fails
     */
    default void close(int fd) throws ErrnoException {
        throw noSockets();
    }

    private UnsupportedOperationException noSockets() {
        return new UnsupportedOperationException("the ntpdshm backend '" + name() + "' has no UNIX datagram"
                + " socket calls (chrony's SOCK refclock); use panama, jna or jnr");
    }
}
