/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import static io.github.ntpdshm.internal.Texts.hex;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The handle's lock and the guards every access passes: closed, read-only. The bottom of {@link ShmHandle}'s
 * three parts (this, {@link ShmFields}, {@link ShmHandle}), kept in one object so that the hot path reads final
 * fields of one object and calls no interface.
 */
abstract class HandleLock implements NtpdShm {

    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(HandleLock.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ShmOptions options;
    final boolean readOnly;

    /**
     * The handle's lock, 1 while held: one CAS to take, a release store to give back (an uncontended
     * {@code synchronized} costs two CAS on JDK 21+, a third of an update). Writers, consuming reads, close and,
     * where the memory is not close-safe, every reader take it.
     */
    @SuppressWarnings("unused")  // through LOCKED
    private int locked;
    /** Set under the lock; read without it by close-safe reads. */
    volatile boolean closed;

    HandleLock(ShmOptions options) {
        this.options = options;
        this.readOnly = options.readOnly();
    }

    final void lock() {
        if (!LOCKED.compareAndSet(this, 0, 1)) {
            lockContended();
        }
    }

    private void lockContended() {
        // Held for tens of nanoseconds (a sample) or one system call (close): spin briefly, then yield.
        for (int spins = 0; !LOCKED.compareAndSet(this, 0, 1); spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    final void unlock() {
        LOCKED.setRelease(this, 0);
    }

    /** {@return whether some thread holds the lock} For tests that check what runs under it. */
    final boolean isLocked() {
        return (int) LOCKED.getVolatile(this) != 0;
    }

    final void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    final IllegalStateException closedException() {
        return new IllegalStateException("unit " + unit() + " (key " + hex(key()) + ") is closed; open it again");
    }

    final void checkWritable() {
        checkOpen();
        if (readOnly) {
            throw readOnlyException("open it without readOnly(true) to write");
        }
    }

    final IllegalStateException readOnlyException(String advice) {
        return new IllegalStateException("unit " + unit() + " (key " + hex(key()) + ") was opened read-only; "
                + advice);
    }

    @Override
    public final int unit() {
        return options.unit();
    }

    @Override
    public final int key() {
        return options.key();
    }

    @Override
    public final boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public final boolean isClosed() {
        return closed;
    }
}
