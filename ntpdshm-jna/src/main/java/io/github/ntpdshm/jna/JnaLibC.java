/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.jna;

import io.github.ntpdshm.spi.ByteBufferMemory;
import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.LibC;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * libc's System V shared-memory calls, and the UNIX datagram socket calls chrony's SOCK refclock needs, by JNA
 * direct mapping, bound when this class is initialised.
 */
final class JnaLibC implements LibC {

    /** The natives, named as in C; JNA binds them to libc. */
    private static final class C {
        static {
            Native.register(C.class, Platform.C_LIBRARY_NAME);
        }

        private C() {
        }

        /** Nothing: calling it runs the static initialiser, which binds the natives. */
        static void link() {
        }

        // size_t is unsigned long on every Linux ABI, which is what NativeLong maps.
        static native int shmget(int key, NativeLong size, int shmflg) throws LastErrorException;

        static native Pointer shmat(int shmid, Pointer shmaddr, int shmflg) throws LastErrorException;

        static native int shmdt(Pointer shmaddr) throws LastErrorException;

        static native int shmctl(int shmid, int cmd, ByteBuffer buf) throws LastErrorException;

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int bind(int fd, ByteBuffer addr, int addrlen) throws LastErrorException;

        static native int connect(int fd, ByteBuffer addr, int addrlen) throws LastErrorException;

        // ssize_t and size_t are long on every Linux ABI: NativeLong; nfds_t is unsigned long.
        static native NativeLong sendto(int fd, ByteBuffer buf, NativeLong len, int flags, ByteBuffer addr,
                                        int addrlen) throws LastErrorException;

        static native NativeLong recv(int fd, ByteBuffer buf, NativeLong len, int flags) throws LastErrorException;

        static native int poll(ByteBuffer fds, NativeLong nfds, int timeout) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }

    /** {@code shmat}'s error return, {@code (void *) -1}. */
    private static final long SHMAT_FAILED = -1L;

    private JnaLibC() {
    }

    /** Loads JNA and binds the natives; throws what JNA threw. */
    static LibC link() {
        // binds C's natives (its static initialiser), so a missing or broken JNA shows here and not on first call
        C.link();
        return new JnaLibC();
    }

    @Override
    public int shmget(int key, long size, int shmflg) throws ErrnoException {
        try {
            return C.shmget(key, new NativeLong(size), shmflg);
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }

    @Override
    public ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException {
        Pointer address;
        try {
            address = C.shmat(shmid, null, readOnly ? ShmBackend.SHM_RDONLY : 0);
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
        if (address == null || Pointer.nativeValue(address) == SHMAT_FAILED) {
            throw new ErrnoException(Native.getLastError());
        }
        // Mapped once: field access through the buffer costs no JNI call. The buffer stays inside the
        // ByteBufferMemory, which the API touches only under its lock and before detach.
        ByteBuffer view = address.getByteBuffer(0, size);
        // Read-only attachments get a read-only view, so a stray store fails in Java instead of faulting.
        ByteBuffer exposed = (readOnly ? view.asReadOnlyBuffer() : view).order(ByteOrder.nativeOrder());
        return new ByteBufferMemory(exposed, () -> shmdt(address));
    }

    private static void shmdt(Pointer address) throws ErrnoException {
        try {
            C.shmdt(address);
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }

    @Override
    public int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException {
        try {
            return C.shmctl(shmid, cmd, buf);
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }

    @Override
    public int socket(int domain, int type, int protocol) throws ErrnoException {
        try {
            return C.socket(domain, type, protocol);
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }

    @Override
    public void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        try {
            C.bind(fd, addr, addrLen);
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }

    @Override
    public void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        try {
            C.connect(fd, addr, addrLen);
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }

    @Override
    public int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen)
            throws ErrnoException {
        try {
            return C.sendto(fd, buf, new NativeLong(len), flags, addr, addrLen).intValue();
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }

    @Override
    public int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException {
        try {
            return C.recv(fd, buf, new NativeLong(len), flags).intValue();
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }

    @Override
    public int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException {
        try {
            return C.poll(fds, new NativeLong(nfds), timeoutMillis);
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }

    @Override
    public void close(int fd) throws ErrnoException {
        try {
            C.close(fd);
        } catch (LastErrorException e) {
            throw new ErrnoException(e.getErrorCode());
        }
    }
}
