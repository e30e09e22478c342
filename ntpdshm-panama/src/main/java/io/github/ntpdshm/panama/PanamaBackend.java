/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.panama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;
import io.github.ntpdshm.spi.Unavailability;

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
import java.util.Optional;

/**
 * {@link ShmBackend} over {@code java.lang.foreign}: downcalls to libc's {@code shmget}, {@code shmat},
 * {@code shmdt} and {@code shmctl} with {@code errno} captured by the linker, and the attached address as a
 * {@link MemorySegment}. Needs JDK 22+ and native access ({@code --enable-native-access=ALL-UNNAMED}, or the
 * {@code Enable-Native-Access} manifest entry of an executable jar).
 */
public final class PanamaBackend implements ShmBackend {

    /** Why this backend cannot work here, computed once: the downcalls are linked on first use of the class. */
    private static final class Native {
        static final String CAUSE;
        static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle SHMGET;
        static final MethodHandle SHMAT;
        static final MethodHandle SHMDT;
        static final MethodHandle SHMCTL;
        static final MethodHandle SOCKET;
        static final MethodHandle BIND;
        static final MethodHandle CONNECT;
        static final MethodHandle SENDTO;
        static final MethodHandle RECV;
        static final MethodHandle POLL;
        static final MethodHandle CLOSE;

        static {
            MethodHandle get = null, at = null, dt = null, ctl = null;
            MethodHandle socket = null, bind = null, connect = null, sendto = null, recv = null, poll = null;
            MethodHandle close = null;
            String cause = null;
            try {
                Linker linker = Linker.nativeLinker();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                // size_t as the platform's C ABI has it (8 bytes on LP64, 4 on 32-bit), seen from Java as a long.
                MemoryLayout sizeT = linker.canonicalLayouts().get("size_t");
                get = downcall(linker, "shmget", FunctionDescriptor.of(JAVA_INT, JAVA_INT, sizeT, JAVA_INT), errno);
                get = MethodHandles.explicitCastArguments(get, MethodType.methodType(int.class, MemorySegment.class,
                        int.class, long.class, int.class));
                at = downcall(linker, "shmat", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, JAVA_INT), errno);
                dt = downcall(linker, "shmdt", FunctionDescriptor.of(JAVA_INT, ADDRESS), errno);
                ctl = downcall(linker, "shmctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), errno);
                // ssize_t has size_t's size and nfds_t is unsigned long; seen from Java as longs, like shmget's size.
                MemoryLayout cLong = linker.canonicalLayouts().get("long");
                socket = downcall(linker, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno);
                FunctionDescriptor addrCall = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
                bind = downcall(linker, "bind", addrCall, errno);
                connect = downcall(linker, "connect", addrCall, errno);
                sendto = MethodHandles.explicitCastArguments(downcall(linker, "sendto", FunctionDescriptor.of(sizeT,
                        JAVA_INT, ADDRESS, sizeT, JAVA_INT, ADDRESS, JAVA_INT), errno), MethodType.methodType(
                        long.class, MemorySegment.class, int.class, MemorySegment.class, long.class, int.class,
                        MemorySegment.class, int.class));
                recv = MethodHandles.explicitCastArguments(downcall(linker, "recv", FunctionDescriptor.of(sizeT,
                        JAVA_INT, ADDRESS, sizeT, JAVA_INT), errno), MethodType.methodType(long.class,
                        MemorySegment.class, int.class, MemorySegment.class, long.class, int.class));
                poll = MethodHandles.explicitCastArguments(downcall(linker, "poll", FunctionDescriptor.of(JAVA_INT,
                        ADDRESS, cLong, JAVA_INT), errno), MethodType.methodType(int.class, MemorySegment.class,
                        MemorySegment.class, long.class, int.class));
                close = downcall(linker, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
            } catch (IllegalCallerException e) {
                cause = Unavailability.nativeAccessDenied("ntpdshm-panama", e);
            } catch (RuntimeException | LinkageError e) {
                cause = "cannot link the System V shared-memory calls: " + e;
            }
            SHMGET = get;
            SHMAT = at;
            SHMDT = dt;
            SHMCTL = ctl;
            SOCKET = socket;
            BIND = bind;
            CONNECT = connect;
            SENDTO = sendto;
            RECV = recv;
            POLL = poll;
            CLOSE = close;
            CAUSE = cause;
        }

        private static MethodHandle downcall(Linker linker, String name, FunctionDescriptor fd, Linker.Option option) {
            MemorySegment symbol = linker.defaultLookup().find(name)
                    .orElseThrow(() -> new UnsupportedOperationException("libc has no " + name + " here"));
            return linker.downcallHandle(symbol, fd, option);
        }

        private Native() {
        }
    }

    /** {@code shmat}'s error return, {@code (void *) -1}. */
    private static final long SHMAT_FAILED = -1L;

    /** Creates the backend; linking happens on first use. */
    public PanamaBackend() {
    }

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public int priority() {
        return 30;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        try {
            return Optional.ofNullable(Native.CAUSE);
        } catch (LinkageError e) {
            return Optional.of("cannot initialise: " + e);
        }
    }

    @Override
    public int shmget(int key, long size, int shmflg) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            int id = (int) Native.SHMGET.invokeExact(state, key, size, shmflg);
            if (id == -1) {
                throw new ErrnoException(errno(state));
            }
            return id;
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException {
        MemorySegment address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            address = (MemorySegment) Native.SHMAT.invokeExact(state, shmid, MemorySegment.NULL,
                    readOnly ? SHM_RDONLY : 0);
            if (address.address() == SHMAT_FAILED) {
                throw new ErrnoException(errno(state));
            }
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            int r = (int) Native.SHMDT.invokeExact(state, address);
            if (r == -1) {
                throw new ErrnoException(errno(state));
            }
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException {
        MemorySegment target = buf == null ? MemorySegment.NULL : MemorySegment.ofBuffer(buf);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            int r = (int) Native.SHMCTL.invokeExact(state, shmid, cmd, target);
            if (r == -1) {
                throw new ErrnoException(errno(state));
            }
            return r;
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public int socket(int domain, int type, int protocol) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            return check((int) Native.SOCKET.invokeExact(state, domain, type, protocol), state);
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            check((int) Native.BIND.invokeExact(state, fd, direct(addr), addrLen), state);
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            check((int) Native.CONNECT.invokeExact(state, fd, direct(addr), addrLen), state);
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen)
            throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            long n = (long) Native.SENDTO.invokeExact(state, fd, direct(buf), (long) len, flags, direct(addr), addrLen);
            return check((int) n, state);
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            long n = (long) Native.RECV.invokeExact(state, fd, direct(buf), (long) len, flags);
            return check((int) n, state);
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            return check((int) Native.POLL.invokeExact(state, direct(fds), (long) nfds, timeoutMillis), state);
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CAPTURE);
            check((int) Native.CLOSE.invokeExact(state, fd), state);
        } catch (ErrnoException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment direct(ByteBuffer b) {
        if (!b.isDirect()) {
            throw new IllegalArgumentException("socket calls need direct buffers: the kernel reads and writes them");
        }
        return MemorySegment.ofBuffer(b);
    }

    private static int check(int r, MemorySegment state) throws ErrnoException {
        if (r == -1) {
            throw new ErrnoException(errno(state));
        }
        return r;
    }

    private static int errno(MemorySegment state) {
        return (int) Native.ERRNO.get(state, 0L);
    }
}
