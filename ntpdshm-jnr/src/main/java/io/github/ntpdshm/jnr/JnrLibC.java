/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.jnr;

import io.github.ntpdshm.spi.ByteBufferMemory;
import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.LibC;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;

import com.kenai.jffi.MemoryIO;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * libc's System V shared-memory calls, and the UNIX datagram socket calls chrony's SOCK refclock needs, through
 * jnr-ffi, loaded when this class is initialised.
 */
final class JnrLibC implements LibC {

    /** The calls, named as in C (nfds_t is unsigned long, the size of size_t on Linux); jnr-ffi generates the binding. Public because the generated class implements it. */
    public interface C {
        @SaveError
        int shmget(int key, @size_t long size, int shmflg);

        @SaveError
        Pointer shmat(int shmid, Pointer shmaddr, int shmflg);

        @SaveError
        int shmdt(Pointer shmaddr);

        @SaveError
        int shmctl(int shmid, int cmd, ByteBuffer buf);

        /** glibc's {@code int *__errno_location(void)}: this thread's errno, see {@link #lastError()}. */
        Pointer __errno_location();

        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int bind(int fd, ByteBuffer addr, int addrlen);

        @SaveError
        int connect(int fd, ByteBuffer addr, int addrlen);

        @SaveError
        @ssize_t long sendto(int fd, ByteBuffer buf, @size_t long len, int flags, ByteBuffer addr, int addrlen);

        @SaveError
        @ssize_t long recv(int fd, ByteBuffer buf, @size_t long len, int flags);

        @SaveError
        int poll(ByteBuffer fds, @size_t long nfds, int timeout);

        @SaveError
        int close(int fd);
    }

    private static final C LIBC = LibraryLoader.create(C.class).failImmediately().load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final MemoryIO IO = MemoryIO.getInstance();

    /**
     * Whether jffi saves errno for {@code @SaveError} calls here. Its 32-bit x86 stub does not: on Debian's i386
     * JDK 17 with jffi 1.4.3, {@code getLastError()} after a failing {@code shmget} gave the errno of an earlier call
     * (ENOENT for an EINVAL the kernel returned, seen with strace), with or without jnr-ffi's generated stubs.
     */
    private static final boolean SAVES_ERRNO = Platform.getNativePlatform().getCPU() != Platform.CPU.I386;

    private static final JnrLibC INSTANCE = new JnrLibC();

    private JnrLibC() {
    }

    /** Loads jnr-ffi, jffi's native stub and libc (on first call: this class's initialisation); throws what they threw. */
    static LibC link() {
        return INSTANCE;
    }

    @Override
    public int shmget(int key, long size, int shmflg) throws ErrnoException {
        int id = LIBC.shmget(key, size, shmflg);
        if (id == -1) {
            throw new ErrnoException(lastError());
        }
        return id;
    }

    @Override
    public ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException {
        Pointer address = LIBC.shmat(shmid, null, readOnly ? ShmBackend.SHM_RDONLY : 0);
        // (void *) -1: all ones in the pointer's width, which jnr-ffi hands out unsigned (0xFFFFFFFF on 32-bit)
        if (address == null || address.address() == RUNTIME.addressMask()) {
            throw new ErrnoException(lastError());
        }
        // Mapped once: field access through the buffer is a plain load or store, not a call into jffi. The
        // buffer stays inside the ByteBufferMemory, which the API touches only under its lock and before detach.
        ByteBuffer view = IO.newDirectByteBuffer(address.address(), size);
        // Read-only attachments get a read-only view, so a stray store fails in Java instead of faulting.
        ByteBuffer exposed = (readOnly ? view.asReadOnlyBuffer() : view).order(ByteOrder.nativeOrder());
        return new ByteBufferMemory(exposed, () -> shmdt(address));
    }

    private static void shmdt(Pointer address) throws ErrnoException {
        if (LIBC.shmdt(address) == -1) {
            throw new ErrnoException(lastError());
        }
    }

    @Override
    public int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException {
        int r = LIBC.shmctl(shmid, cmd, buf);
        if (r == -1) {
            throw new ErrnoException(lastError());
        }
        return r;
    }

    @Override
    public int socket(int domain, int type, int protocol) throws ErrnoException {
        return check(LIBC.socket(domain, type, protocol));
    }

    @Override
    public void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        check(LIBC.bind(fd, addr, addrLen));
    }

    @Override
    public void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        check(LIBC.connect(fd, addr, addrLen));
    }

    @Override
    public int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen)
            throws ErrnoException {
        return check((int) LIBC.sendto(fd, buf, len, flags, addr, addrLen));
    }

    @Override
    public int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException {
        return check((int) LIBC.recv(fd, buf, len, flags));
    }

    @Override
    public int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException {
        return check(LIBC.poll(fds, nfds, timeoutMillis));
    }

    @Override
    public void close(int fd) throws ErrnoException {
        check(LIBC.close(fd));
    }

    private static int check(int r) throws ErrnoException {
        if (r == -1) {
            throw new ErrnoException(lastError());
        }
        return r;
    }

    /** errno of the call that just failed on this thread. */
    private static int lastError() {
        // Read straight after the failing call, before anything else on this thread can call into libc.
        return SAVES_ERRNO ? RUNTIME.getLastError() : LIBC.__errno_location().getInt(0);
    }
}
