/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import static io.github.ntpdshm.internal.Texts.hex;

import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The one implementation of {@link NtpdShm}: a segment attached by {@link ShmOpener}, its lifetime, the safe
 * write path and the reads, each taking the lock of {@link HandleLock} and running {@link ShmProtocol} over the
 * backend's memory. The raw field accessors are in {@link ShmFields}.
 */
final class ShmHandle extends ShmFields {

    /** Marks an update that keeps the handle's precision. */
    private static final int KEEP_PRECISION = Integer.MIN_VALUE;
    /** Detaches handles dropped without {@link #close()}. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final ShmBackend backend;
    private final int shmid;
    /** Whether an access racing {@link ShmMemory#detach()} fails in Java, so peeks need not take the lock. */
    private final boolean closeSafe;
    private final Detach detach;
    private final Cleaner.Cleanable cleanable;

    // Guarded by the lock.
    /** Whether this handle has published a sample (and {@link #lastCount} is the count it left). */
    private boolean published;
    private long otherWriterUpdates;

    ShmHandle(ShmBackend backend, ShmOptions options, ShmLayout layout, int shmid, ShmMemory mem) {
        super(options, layout, mem);
        this.backend = backend;
        this.shmid = shmid;
        this.closeSafe = mem.isCloseSafe();
        this.detach = new Detach(mem);
        this.cleanable = CLEANER.register(this, detach);
    }

    /**
     * The detach a dropped handle still owes: run by {@link #close()}, or by the cleaner once the handle is
     * unreachable. Holds the memory only, never the handle, so that the handle can become unreachable.
     */
    private static final class Detach implements Runnable {
        private final ShmMemory mem;
        private ErrnoException failure;

        Detach(ShmMemory mem) {
            this.mem = mem;
        }

        @Override
        public void run() {
            try {
                mem.detach();
            } catch (ErrnoException e) {
                failure = e;  // close() reports it; the cleaner has no one to tell
            }
        }
    }

    // ---- identity -----------------------------------------------------------------------------------------

    @Override
    public ShmLayout layout() {
        return layout;
    }

    @Override
    public String backendName() {
        return backend.name();
    }

    @Override
    public ShmSegment segment() {
        checkOpen();
        return ShmOpener.find(backend.name(), "stat", options, shmid, ShmSegment.table());
    }

    @Override
    public String toString() {
        return "NtpdShm[unit=" + unit() + " key=" + hex(key()) + " layout=" + layout.name() + " backend="
                + backend.name() + (readOnly ? " read-only" : "") + (isClosed() ? " closed" : "") + "]";
    }

    // ---- the safe path ------------------------------------------------------------------------------------

    @Override
    public void update(double clockTime) {
        Instant now = Instant.now();  // first: the receive stamp is when the caller handed the sample over
        SampleRules.checkSeconds("clock", clockTime);
        long cSec = SampleRules.wholeSeconds(clockTime);
        int cNanos = SampleRules.nanosOf(clockTime);
        publish(cSec, cNanos, now.getEpochSecond(), now.getNano(), KEEP_PRECISION);
    }

    @Override
    public void update(double clockTime, double receiveTime, int precision) {
        SampleRules.checkSeconds("clock", clockTime);
        SampleRules.checkSeconds("receive", receiveTime);
        SampleRules.checkPrecision(precision);
        publish(SampleRules.wholeSeconds(clockTime), SampleRules.nanosOf(clockTime),
                SampleRules.wholeSeconds(receiveTime), SampleRules.nanosOf(receiveTime), precision);
    }

    @Override
    public void update(Instant clock) {
        Instant now = Instant.now();
        publish(clock.getEpochSecond(), clock.getNano(), now.getEpochSecond(), now.getNano(), KEEP_PRECISION);
    }

    @Override
    public void update(Instant clock, Instant receive) {
        publish(clock.getEpochSecond(), clock.getNano(), receive.getEpochSecond(), receive.getNano(), KEEP_PRECISION);
    }

    @Override
    public void update(Instant clock, Instant receive, int precision) {
        SampleRules.checkPrecision(precision);
        publish(clock.getEpochSecond(), clock.getNano(), receive.getEpochSecond(), receive.getNano(), precision);
    }

    @Override
    public void update(long clockSec, int clockNanos, long receiveSec, int receiveNanos) {
        publish(clockSec, clockNanos, receiveSec, receiveNanos, KEEP_PRECISION);
    }

    @Override
    public void update(long clockSec, int clockNanos, long receiveSec, int receiveNanos, int precision) {
        SampleRules.checkPrecision(precision);
        publish(clockSec, clockNanos, receiveSec, receiveNanos, precision);
    }

    /**
     * Checks everything, then writes gpsd's sequence under the lock with the handle's leap.
     *
     * @param newPrecision the precision to keep from now on, or {@link #KEEP_PRECISION}
     */
    private void publish(long clockSec, int clockNanos, long receiveSec, int receiveNanos, int newPrecision) {
        SampleRules.checkTime(layout, "clock", clockSec, clockNanos);
        SampleRules.checkTime(layout, "receive", receiveSec, receiveNanos);
        lock();
        try {
            checkWritable();
            if (newPrecision != KEEP_PRECISION) {
                precision = newPrecision;
            }
            int found = protocol.publish(mem, !modeWritten, clockSec, clockNanos, receiveSec, receiveNanos, leap,
                    precision);
            modeWritten = true;
            if (published && found != lastCount) {
                otherWriterUpdates++;  // someone else's samples since ours: a second writer, which a unit must not have
            }
            published = true;
            lastCount = ShmProtocol.countAfter(found);
        } finally {
            unlock();
        }
    }

    @Override
    public long otherWriterUpdates() {
        lock();
        try {
            return otherWriterUpdates;
        } finally {
            unlock();
        }
    }

    @Override
    public Optional<String> accessWarning() {
        if (readOnly) {
            return Optional.empty();
        }
        ShmSegment s = segment();
        int uid = s.uid();
        String me = ShmErrors.effectiveUid();
        boolean otherOwner = !Integer.toString(uid).equals(me);
        if (s.permissions() == options.permissions() && !otherOwner) {
            return Optional.empty();
        }
        return Optional.of("unit " + unit() + " (key " + hex(key()) + ") was created by someone else: owner uid " + uid
                + ", permissions 0" + Integer.toOctalString(s.permissions()) + ", where this writer asked for 0"
                + Integer.toOctalString(options.permissions()) + " as uid " + me + ". "
                + (unit() < 2 ? "Whoever may write it can steer the system clock; " : "")
                + "if that is not intended, stop its writers and remove it (`ipcrm -M " + hex(key()) + "`) so that"
                + " the right owner creates it.");
    }

    // ---- reading ------------------------------------------------------------------------------------------

    @Override
    public ShmRead read() {
        return readOnly ? peek() : consume();
    }

    @Override
    public ShmRead peek() {
        ShmSample.Mutable m = new ShmSample.Mutable();
        return ShmProtocol.toRead(read(false, m), m);
    }

    @Override
    public ShmRead consume() {
        ShmSample.Mutable m = new ShmSample.Mutable();
        return ShmProtocol.toRead(read(true, m), m);
    }

    @Override
    public ShmRead.Status peek(ShmSample.Mutable into) {
        return read(false, Objects.requireNonNull(into, "into"));
    }

    @Override
    public ShmRead.Status consume(ShmSample.Mutable into) {
        return read(true, Objects.requireNonNull(into, "into"));
    }

    /**
     * ntpd's read under the lock; a peek on close-safe memory skips it: Panama's shared arena makes an access
     * racing close() fail in Java, so a concurrent close cannot make a read touch unmapped memory. A consuming
     * read stores ({@code valid = 0}), and every store holds the lock (see {@link ShmMemory}). Readers never need
     * the lock against writers: the count protocol catches a torn sample, as in ntpd.
     */
    private ShmRead.Status read(boolean consume, ShmSample.Mutable into) {
        if (closeSafe && !consume) {
            checkOpen();
            try {
                return protocol.read(mem, false, into);
            } catch (IllegalStateException e) {
                if (closed) {
                    throw closedException();
                }
                throw e;
            } finally {
                Reference.reachabilityFence(this);  // else the cleaner could detach a dropped handle mid-read
            }
        }
        lock();
        try {
            checkOpen();
            if (consume && readOnly) {
                throw readOnlyException("a consuming read clears valid, so use peek() or open it read-write");
            }
            return protocol.read(mem, consume, into);
        } finally {
            unlock();
        }
    }

    // ---- lifetime -----------------------------------------------------------------------------------------

    @Override
    public void removeSegment() {
        lock();
        try {
            checkOpen();
            if (readOnly) {
                throw readOnlyException("a monitor never removes the segment: open it read-write, or use"
                        + " NtpdShm.remove(options)");
            }
            try {
                backend.shmctl(shmid, ShmBackend.IPC_RMID, null);
            } catch (ErrnoException e) {
                throw ShmErrors.failure(backend.name(), "shmctl(IPC_RMID)", options, e.errno(), layout);
            }
        } finally {
            unlock();
        }
    }

    @Override
    public void close() {
        lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            cleanable.clean();
            if (detach.failure != null) {
                throw ShmErrors.failure(backend.name(), "shmdt", options, detach.failure.errno(), layout);
            }
        } finally {
            unlock();
        }
    }
}
