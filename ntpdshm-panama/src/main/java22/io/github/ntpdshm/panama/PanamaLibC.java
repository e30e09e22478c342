/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.panama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.LibC;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The libc calls through {@code java.lang.foreign}: downcalls linked once when this class is initialised, with
 * {@code errno} captured by the linker into a per-thread state, and the attached address as a
 * {@link MemorySegment}. Compiled for Java 22; {@link PanamaBackend} loads it by name on 22+ only.
 */
final class PanamaLibC implements LibC {

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** Where the linker saves errno, one a thread: a call allocates nothing. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));
    private static final Linker LINKER = Linker.nativeLinker();
    // size_t as the platform's C ABI has it (8 bytes on LP64, 4 on 32-bit), seen from Java as a long; ssize_t has
    // size_t's size, and nfds_t is unsigned long.
    private static final MemoryLayout SIZE_T = LINKER.canonicalLayouts().get("size_t");
    private static final MemoryLayout C_LONG = LINKER.canonicalLayouts().get("long");
    private static final FunctionDescriptor ADDR_CALL = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);

    private static final MethodHandle SHMGET = downcall("shmget", FunctionDescriptor.of(JAVA_INT, JAVA_INT, SIZE_T,
            JAVA_INT), MethodType.methodType(int.class, MemorySegment.class, int.class, long.class, int.class));
    private static final MethodHandle SHMAT = downcall("shmat", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS,
            JAVA_INT), null);
    private static final MethodHandle SHMDT = downcall("shmdt", FunctionDescriptor.of(JAVA_INT, ADDRESS), null);
    private static final MethodHandle SHMCTL = downcall("shmctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT,
            ADDRESS), null);
    private static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT,
            JAVA_INT), null);
    private static final MethodHandle BIND = downcall("bind", ADDR_CALL, null);
    private static final MethodHandle CONNECT = downcall("connect", ADDR_CALL, null);
    private static final MethodHandle SENDTO = downcall("sendto", FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS,
            SIZE_T, JAVA_INT, ADDRESS, JAVA_INT), MethodType.methodType(long.class, MemorySegment.class, int.class,
            MemorySegment.class, long.class, int.class, MemorySegment.class, int.class));
    private static final MethodHandle RECV = downcall("recv", FunctionDescriptor.of(SIZE_T, JAVA_INT, ADDRESS, SIZE_T,
            JAVA_INT), MethodType.methodType(long.class, MemorySegment.class, int.class, MemorySegment.class,
            long.class, int.class));
    private static final MethodHandle POLL = downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, C_LONG,
            JAVA_INT), MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class,
            int.class));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), null);

    /** {@code shmat}'s error return, {@code (void *) -1}. */
    private static final long SHMAT_FAILED = -1L;

    /** Called by {@link PanamaBackend#link()}; linking happened when this class was initialised. */
    PanamaLibC() {
    }

    /** A downcall capturing errno; cast to {@code type} where size_t or long must be seen from Java as a long. */
    private static MethodHandle downcall(String name, FunctionDescriptor fd, MethodType type) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no " + name + " here"));
        MethodHandle h = LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"));
        return type == null ? h : MethodHandles.explicitCastArguments(h, type);
    }

    @Override
    public int shmget(int key, long size, int shmflg) throws ErrnoException {
        MemorySegment state = STATE.get();
        try {
            return check((int) SHMGET.invokeExact(state, key, size, shmflg), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException {
        MemorySegment state = STATE.get();
        MemorySegment address;
        try {
            address = (MemorySegment) SHMAT.invokeExact(state, shmid, MemorySegment.NULL, readOnly ? ShmBackend.SHM_RDONLY : 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (address.address() == SHMAT_FAILED) {
            throw new ErrnoException(errno(state));
        }
        // A shared arena scopes the view: once closed, any stray access fails in Java instead of faulting.
        Arena scope = Arena.ofShared();
        MemorySegment view = address.reinterpret(size, scope, null);
        return new PanamaMemory(readOnly ? view.asReadOnly() : view, readOnly, () -> {
            scope.close();
            shmdt(address);
        });
    }

    /** A shared arena's native memory: the same segment class and access modes as {@link #shmat}'s view. */
    @Override
    public ShmMemory scratch(int size) {
        Arena scope = Arena.ofShared();
        return new PanamaMemory(scope.allocate(size, 8), false, scope::close);
    }

    private static void shmdt(MemorySegment address) throws ErrnoException {
        MemorySegment state = STATE.get();
        try {
            check((int) SHMDT.invokeExact(state, address), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException {
        MemorySegment target = buf == null ? MemorySegment.NULL : MemorySegment.ofBuffer(buf);
        MemorySegment state = STATE.get();
        try {
            return check((int) SHMCTL.invokeExact(state, shmid, cmd, target), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int socket(int domain, int type, int protocol) throws ErrnoException {
        MemorySegment state = STATE.get();
        try {
            return check((int) SOCKET.invokeExact(state, domain, type, protocol), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        MemorySegment state = STATE.get();
        try {
            check((int) BIND.invokeExact(state, fd, MemorySegment.ofBuffer(addr), addrLen), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        MemorySegment state = STATE.get();
        try {
            check((int) CONNECT.invokeExact(state, fd, MemorySegment.ofBuffer(addr), addrLen), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen)
            throws ErrnoException {
        MemorySegment state = STATE.get();
        try {
            return check((int) (long) SENDTO.invokeExact(state, fd, MemorySegment.ofBuffer(buf), (long) len, flags,
                    MemorySegment.ofBuffer(addr), addrLen), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException {
        MemorySegment state = STATE.get();
        try {
            return check((int) (long) RECV.invokeExact(state, fd, MemorySegment.ofBuffer(buf), (long) len, flags),
                    state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException {
        MemorySegment state = STATE.get();
        try {
            return check((int) POLL.invokeExact(state, MemorySegment.ofBuffer(fds), (long) nfds, timeoutMillis), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void close(int fd) throws ErrnoException {
        MemorySegment state = STATE.get();
        try {
            check((int) CLOSE.invokeExact(state, fd), state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A call's result; -1 is a failure with the errno the linker captured into {@code state}. */
    private static int check(int r, MemorySegment state) throws ErrnoException {
        if (r == -1) {
            throw new ErrnoException(errno(state));
        }
        return r;
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * What a downcall threw, rethrown as it was when unchecked or an {@link ErrnoException}: {@code invokeExact}
     * declares {@code Throwable}, and nothing else can come out of these handles.
     */
    private static RuntimeException rethrow(Throwable t) throws ErrnoException {
        if (t instanceof ErrnoException) {
            throw (ErrnoException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return t instanceof RuntimeException ? (RuntimeException) t : new IllegalStateException(t);
    }
}
