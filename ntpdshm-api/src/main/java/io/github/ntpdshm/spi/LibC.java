/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.spi;

import java.nio.ByteBuffer;

/**
 * The libc calls a {@link NativeBackend} binds, one method a call, as its native library exposes them: all that
 * differs between one backend and another. {@link NativeBackend} checks availability and arguments before it
 * calls them; the contract of each is that of the {@link ShmBackend} method of the same name.
 */
public interface LibC {

    /**
     * {@code shmget}, as {@link ShmBackend#shmget}.
     *
     * @param key    the System V key
     * @param size   the segment size in bytes
     * @param shmflg permission bits and flags
     * @return the segment's id
     * @throws ErrnoException if {@code shmget} fails
     */
    int shmget(int key, long size, int shmflg) throws ErrnoException;

    /**
     * {@code shmat}, as {@link ShmBackend#shmat}.
     *
     * @param shmid    the segment's id
     * @param size     how many bytes to expose
     * @param readOnly attach with {@code SHM_RDONLY}
     * @return the attached memory
     * @throws ErrnoException if {@code shmat} fails
     */
    ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException;

    /**
     * Scratch memory of the same class as {@link #shmat}'s, as {@link ShmBackend#scratch}; by default a direct
     * buffer's.
     *
     * @param size how many bytes
     * @return the scratch memory
     */
    default ShmMemory scratch(int size) {
        return ByteBufferMemory.scratch(size);
    }

    /**
     * {@code shmctl}, as {@link ShmBackend#shmctl}.
     *
     * @param shmid the segment's id
     * @param cmd   the command
     * @param buf   a direct buffer, or {@code null}
     * @return what {@code shmctl} returns
     * @throws ErrnoException if {@code shmctl} fails
     */
    int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException;

    /**
     * {@code socket}, as {@link ShmBackend#socket}.
     *
     * @param domain   the domain
     * @param type     the type and flags
     * @param protocol the protocol
     * @return the new file descriptor
     * @throws ErrnoException if {@code socket} fails
     */
    int socket(int domain, int type, int protocol) throws ErrnoException;

    /**
     * {@code bind}, as {@link ShmBackend#bind}.
     *
     * @param fd      the socket
     * @param addr    a direct buffer holding the address
     * @param addrLen the address's length in bytes
     * @throws ErrnoException if {@code bind} fails
     */
    void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException;

    /**
     * {@code connect}, as {@link ShmBackend#connect}.
     *
     * @param fd      the socket
     * @param addr    a direct buffer holding the address
     * @param addrLen the address's length in bytes
     * @throws ErrnoException if {@code connect} fails
     */
    void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException;

    /**
     * {@code sendto}, as {@link ShmBackend#sendto}.
     *
     * @param fd      the socket
     * @param buf     a direct buffer holding the datagram
     * @param len     the datagram's length in bytes
     * @param flags   the flags
     * @param addr    a direct buffer holding the address
     * @param addrLen the address's length in bytes
     * @return the number of bytes sent
     * @throws ErrnoException if {@code sendto} fails
     */
    int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen) throws ErrnoException;

    /**
     * {@code recv}, as {@link ShmBackend#recv}.
     *
     * @param fd    the socket
     * @param buf   a direct buffer the kernel writes
     * @param len   the buffer's length in bytes
     * @param flags the flags
     * @return the datagram's length
     * @throws ErrnoException if {@code recv} fails
     */
    int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException;

    /**
     * {@code poll}, as {@link ShmBackend#poll}.
     *
     * @param fds           a direct buffer of {@code struct pollfd}
     * @param nfds          how many
     * @param timeoutMillis milliseconds to wait, -1 for ever
     * @return how many descriptors are ready
     * @throws ErrnoException if {@code poll} fails
     */
    int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException;

    /**
     * {@code close}, as {@link ShmBackend#close}.
     *
     * @param fd the descriptor
     * @throws ErrnoException if {@code close} fails
     */
    void close(int fd) throws ErrnoException;
}
