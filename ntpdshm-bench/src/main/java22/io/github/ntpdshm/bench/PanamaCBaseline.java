/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** {@link CBaseline} through java.lang.foreign: one downcall per loop, so the call is amortised over n. */
final class PanamaCBaseline implements CBaseline {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor LOOP =
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);

    private final int key;
    private final MemorySegment shm;
    private final MethodHandle store;
    private final MethodHandle clockStore;
    private final MethodHandle clock;
    private final MethodHandle read;
    private final MethodHandle openClose;
    private final MethodHandle remove;

    public PanamaCBaseline(Path library, int key) throws Throwable {
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        this.key = key;
        MethodHandle attach = LINKER.downcallHandle(lib.find("shmbaseline_attach").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        this.remove = LINKER.downcallHandle(lib.find("shmbaseline_remove").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        // Loops run for microseconds and never call back into Java.
        Linker.Option critical = Linker.Option.critical(false);
        this.store = LINKER.downcallHandle(lib.find("store_loop").orElseThrow(), LOOP, critical);
        this.clockStore = LINKER.downcallHandle(lib.find("clock_store_loop").orElseThrow(), LOOP, critical);
        this.clock = LINKER.downcallHandle(lib.find("clock_loop").orElseThrow(), LOOP, critical);
        this.read = LINKER.downcallHandle(lib.find("read_loop").orElseThrow(), LOOP, critical);
        this.openClose = LINKER.downcallHandle(lib.find("open_close_loop").orElseThrow(), LOOP);
        this.shm = (MemorySegment) attach.invokeExact(key);
        if (shm.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("the C baseline could not create or attach key 0x"
                    + Integer.toHexString(key) + " (shmget/shmat failed); see `ipcs -m`");
        }
    }

    private static long call(MethodHandle h, MemorySegment shm, long n) {
        try {
            return (long) h.invokeExact(shm, n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public long storeLoop(long n) {
        return call(store, shm, n);
    }

    @Override
    public long clockStoreLoop(long n) {
        return call(clockStore, shm, n);
    }

    @Override
    public long clockLoop(long n) {
        return call(clock, shm, n);
    }

    @Override
    public long readLoop(long n) {
        return call(read, shm, n);
    }

    @Override
    public long openCloseLoop(long n) {
        long r = call(openClose, shm, n);
        if (r < 0) {
            throw new IllegalStateException("the C baseline's shmget/shmctl/shmat failed for key 0x" + Integer.toHexString(key));
        }
        return r;
    }

    @Override
    public void close() {
        try {
            int rc = (int) remove.invokeExact(shm, key);
            if (rc != 0) {
                throw new IllegalStateException("the C baseline could not remove key 0x" + Integer.toHexString(key)
                        + "; remove it with `ipcrm -M 0x" + Integer.toHexString(key) + "`");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
