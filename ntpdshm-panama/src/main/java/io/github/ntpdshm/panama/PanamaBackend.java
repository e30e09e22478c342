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

        static {
            MethodHandle get = null, at = null, dt = null, ctl = null;
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
            } catch (IllegalCallerException e) {
                cause = Unavailability.nativeAccessDenied("ntpdshm-panama", e);
            } catch (RuntimeException | LinkageError e) {
                cause = "cannot link the System V shared-memory calls: " + e;
            }
            SHMGET = get;
            SHMAT = at;
            SHMDT = dt;
            SHMCTL = ctl;
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

    private static int errno(MemorySegment state) {
        return (int) Native.ERRNO.get(state, 0L);
    }
}
