/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import static io.github.ntpdshm.api.NtpdShmException.EACCES;
import static io.github.ntpdshm.api.NtpdShmException.EIDRM;
import static io.github.ntpdshm.api.NtpdShmException.EINVAL;
import static io.github.ntpdshm.api.NtpdShmException.EMFILE;
import static io.github.ntpdshm.api.NtpdShmException.ENFILE;
import static io.github.ntpdshm.api.NtpdShmException.ENOENT;
import static io.github.ntpdshm.api.NtpdShmException.ENOMEM;
import static io.github.ntpdshm.api.NtpdShmException.ENOSPC;
import static io.github.ntpdshm.api.NtpdShmException.EPERM;
import static io.github.ntpdshm.api.NtpdShmException.hex;

import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The one implementation of {@link NtpdShm}: layout, write sequence and read algorithm over any backend. */
final class ShmHandle implements NtpdShm {

    private static final long MAX_UNSIGNED_INT = 0xFFFF_FFFFL;
    private static final int NANOS_PER_SECOND = 1_000_000_000;
    /** Marks an update that keeps the handle's precision. */
    private static final int KEEP_PRECISION = Integer.MIN_VALUE;
    /** The latest seconds a sample may carry: {@link Instant}'s, so that every reader can represent it. */
    private static final long MAX_SAMPLE_SECONDS = Instant.MAX.getEpochSecond();
    /** Detaches handles dropped without {@link #close()}. */
    private static final Cleaner CLEANER = Cleaner.create();

    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(ShmHandle.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ShmBackend backend;
    private final ShmOptions options;
    private final ShmLayout layout;
    private final int shmid;
    private final ShmMemory mem;
    private final boolean readOnly;
    private final boolean timeT64;
    // Offsets copied out of the layout so the hot path reads final fields only.
    private final int oClockSec, oClockUSec, oClockNSec, oRecvSec, oRecvUSec, oRecvNSec;
    private final int oLeap, oPrecision, oNsamples, oValid;

    /** Whether an access racing {@link ShmMemory#detach()} fails in Java, so reads need not take the lock. */
    private final boolean closeSafe;
    private final Detach detach;
    private final Cleaner.Cleanable cleanable;

    /**
     * The handle's lock, 1 while held: one CAS to take, a release store to give back (an uncontended
     * {@code synchronized} costs two CAS on JDK 21+, a third of an update). Writers, close and, where the memory
     * is not close-safe, readers take it.
     */
    @SuppressWarnings("unused")  // through LOCKED
    private int locked;
    /** Set under the lock; read without it by close-safe reads. */
    private volatile boolean closed;
    // Guarded by the lock.
    private boolean modeWritten;
    private int leap;
    private int precision = DEFAULT_PRECISION;
    /** Whether this handle has published a sample, and the count it left then. */
    private boolean published;
    private int lastCount;
    private long otherWriterUpdates;

    ShmHandle(ShmBackend backend, ShmOptions options, ShmLayout layout, int shmid, ShmMemory mem) {  // Warmup's too
        this.backend = backend;
        this.options = options;
        this.layout = layout;
        this.shmid = shmid;
        this.mem = mem;
        this.readOnly = options.readOnly();
        this.closeSafe = mem.isCloseSafe();
        this.timeT64 = layout.timeTSize() == 8;
        this.oClockSec = layout.clockTimeStampSec();
        this.oClockUSec = layout.clockTimeStampUSec();
        this.oClockNSec = layout.clockTimeStampNSec();
        this.oRecvSec = layout.receiveTimeStampSec();
        this.oRecvUSec = layout.receiveTimeStampUSec();
        this.oRecvNSec = layout.receiveTimeStampNSec();
        this.oLeap = layout.leap();
        this.oPrecision = layout.precision();
        this.oNsamples = layout.nsamples();
        this.oValid = layout.valid();
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

    // ---- opening ------------------------------------------------------------------------------------------

    static ShmHandle open(ShmOptions o) {
        ShmBackend b = ShmBackends.select(o.backend().orElse(null));
        int key = o.key();
        Optional<ShmLayout> asked = o.layout();
        int id;
        try {
            // An explicit layout asks the kernel for its size, so a smaller segment fails with EINVAL as in ntpd.
            id = b.shmget(key, asked.map(ShmLayout::size).orElse(0), 0);
        } catch (ErrnoException e) {
            if (e.errno() != ENOENT || !o.create()) {
                throw failure(b, "shmget", o, e.errno(), asked.orElse(null));
            }
            ShmLayout l = asked.orElseGet(() -> layoutForNewSegment(b, o));
            try {
                id = b.shmget(key, l.size(), ShmBackend.IPC_CREAT | o.permissions());
            } catch (ErrnoException e2) {
                throw failure(b, "shmget", o, e2.errno(), l);
            }
        }
        long size = segmentSize(b, id, o);
        ShmLayout layout = resolveLayout(b, o, size);
        ShmMemory m;
        try {
            m = b.shmat(id, layout.size(), o.readOnly());
        } catch (ErrnoException e) {
            throw failure(b, "shmat", o, e.errno(), layout);
        }
        ShmHandle h = new ShmHandle(b, o, layout, id, m);
        if (!o.readOnly()) {
            Warmup.writer(b, o, layout, m);  // compiles the sample paths on scratch memory (#11)
        }
        return h;
    }

    /**
     * {@code shm_segsz} from the kernel's {@code /proc/sysvipc/shm}, which prints it the same way on every
     * architecture: {@code struct shmid_ds} (what {@code IPC_STAT} fills) puts it at different offsets on different
     * ABIs (after the three times on powerpc, before them on x86_64 and aarch64), so no one offset is right.
     */
    private static long segmentSize(ShmBackend b, int id, ShmOptions o) {
        if (!ShmSegment.tableReadable()) {
            throw new NtpdShmException("open", o.unit(), o.key(), 0, "open failed for unit " + o.unit() + " (key "
                    + hex(o.key()) + ", backend " + b.name() + "): cannot read /proc/sysvipc/shm, where the kernel"
                    + " lists each segment's size; mount /proc (or give this process read access to it) so the"
                    + " layout can be checked against the segment.");
        }
        for (ShmSegment s : ShmSegment.list()) {
            if (s.shmid() == id) {
                return s.size();
            }
        }
        throw failure(b, "open", o, EIDRM, null);  // listed by shmget a moment ago: removed since
    }

    /** The layout of the local daemons, or a failure that says why there is none (see {@link LayoutChoice}). */
    private static ShmLayout layoutForNewSegment(ShmBackend b, ShmOptions o) {
        LayoutChoice c = LayoutChoice.forNewSegments();
        return c.layout().orElseThrow(() -> new NtpdShmException("open", o.unit(), o.key(), 0, "open failed for unit "
                + o.unit() + " (key " + hex(o.key()) + ", backend " + b.name() + "): no segment exists yet and no"
                + " layout was given; layout for a new segment: " + c.evidence() + ". Give the layout of the daemon"
                + " that will read it (ShmOptions.Builder.layout, or --layout)."));
    }

    private static ShmLayout resolveLayout(ShmBackend b, ShmOptions o, long size) {
        if (o.layout().isPresent()) {
            ShmLayout l = o.layout().get();
            if (size != l.size()) {
                throw new NtpdShmException("open", o.unit(), o.key(), EINVAL, where("open", o, EINVAL, b)
                        + "the segment has " + size + " bytes" + ShmLayout.ofSize(size).map(x -> " (layout " + x.label() + ")").orElse("")
                        + " but layout " + l.label() + " was asked for; writing it would put fields at the wrong"
                        + " offsets. Open it with " + ShmLayout.ofSize(size).map(x -> "layout " + x.name()).orElse("the writer's layout")
                        + " or leave the layout out to infer it.");
            }
            return l;
        }
        Optional<ShmLayout> inferred = ShmLayout.ofSize(size);
        if (!inferred.isPresent()) {
            throw new NtpdShmException("open", o.unit(), o.key(), EINVAL, where("open", o, EINVAL, b)
                    + "the segment has " + size + " bytes, which is none of the known struct shmTime layouts (96 bytes"
                    + " LP64, 80 bytes 32-bit time_t, 88 bytes i386 with 64-bit time_t). It is not an NTP SHM segment,"
                    + " or its writer has an unusual ABI; check the key, or remove it with `ipcrm -M " + hex(o.key())
                    + "` if nothing uses it.");
        }
        return inferred.get();
    }

    static boolean remove(ShmOptions o) {
        ShmBackend b = ShmBackends.select(o.backend().orElse(null));
        int id;
        try {
            id = b.shmget(o.key(), 0, 0);
        } catch (ErrnoException e) {
            if (e.errno() == ENOENT) {
                return false;
            }
            throw failure(b, "shmget", o, e.errno(), null);
        }
        try {
            b.shmctl(id, ShmBackend.IPC_RMID, null);
        } catch (ErrnoException e) {
            if (e.errno() == EINVAL || e.errno() == EIDRM) {
                return false;  // removed by someone else meanwhile
            }
            throw failure(b, "shmctl(IPC_RMID)", o, e.errno(), null);
        }
        return true;
    }

    // ---- error messages: the same text whichever backend failed ----------------------------------------

    private static String where(String op, ShmOptions o, int errno, ShmBackend b) {
        return op + " failed for unit " + o.unit() + " (key " + hex(o.key()) + ", backend " + b.name() + "): "
                + NtpdShmException.errnoName(errno) + " (" + NtpdShmException.errnoText(errno) + "); ";
    }

    static NtpdShmException failure(ShmBackend b, String op, ShmOptions o, int errno, ShmLayout asked) {
        Optional<ShmSegment> seg = ShmSegment.ofKey(o.key());
        String advice;
        switch (errno) {
            case EACCES:
                advice = seg.map(s -> "the segment belongs to uid " + s.uid() + " with permissions 0"
                        + Integer.toOctalString(s.permissions())).orElse("the segment's permissions deny it")
                        + " and this process runs as uid " + effectiveUid() + ", which may not "
                        + (o.readOnly() ? "read" : "read and write") + " it. Run as its owner or root"
                        + (o.readOnly() ? "" : ", open it read-only to monitor it (needs read permission)")
                        + ", or have its creator grant access: ntpd and gpsd create units 0 and 1 with 0600 and 2 and up"
                        + " with 0666; chrony needs `refclock SHM " + o.unit() + ":perm=0666`; ntpdshm takes"
                        + " permissions(0666).";
                break;
            case EINVAL:
                advice = seg.map(s -> "a segment of " + s.size() + " bytes"
                        + s.layout().map(l -> " (layout " + l.label() + ")").orElse(" (no known layout)")
                        + " already exists for this key"
                        + (asked != null ? ", smaller than the " + asked.size() + " bytes of layout " + asked.name()
                        + " asked for" : "")
                        + ". Open it with " + s.layout().map(l -> "layout " + l.name()).orElse("its writer's layout")
                        + " (or leave the layout out to infer it), or remove it with `ipcrm -M " + hex(o.key())
                        + "` once nothing uses it.").orElse("the segment does not fit the size asked for.");
                break;
            case ENOENT:
                advice = "no segment exists for this key yet. Start the program that creates it first (ntpd, chrony,"
                        + " gpsd or the writer)" + (o.readOnly() ? "; a read-only handle never creates one."
                        : ", or open it with create enabled.");
                break;
            case EPERM:
                advice = seg.map(s -> "only its owner (uid " + s.uid() + "), its creator (uid " + s.creatorUid()
                        + ") or root may do that").orElse("only its owner, creator or root may do that")
                        + "; this process runs as uid " + effectiveUid() + ".";
                break;
            case EIDRM:
                advice = "the segment was removed meanwhile; open it again.";
                break;
            case ENOSPC:
            case ENOMEM:
            case ENFILE:
            case EMFILE:
                advice = "the system's shared-memory limits are reached (see /proc/sys/kernel/shmmni and shmall, and"
                        + " `ipcs -m`); remove unused segments with ipcrm.";
                break;
            default:
                advice = "see shmget(2), shmat(2) and shmctl(2).";
        }
        return new NtpdShmException(op, o.unit(), o.key(), errno, where(op, o, errno, b) + advice);
    }

    static String effectiveUid() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1];
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the message is still useful without it
        }
        return System.getProperty("user.name", "?");
    }

    // ---- identity -----------------------------------------------------------------------------------------

    @Override
    public int unit() {
        return options.unit();
    }

    @Override
    public int key() {
        return options.key();
    }

    @Override
    public ShmLayout layout() {
        return layout;
    }

    @Override
    public String backendName() {
        return backend.name();
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public ShmSegment segment() {
        checkOpen();
        for (ShmSegment s : ShmSegment.list()) {
            if (s.shmid() == shmid) {
                return s;
            }
        }
        throw failure(backend, "stat", options, EIDRM, layout);
    }

    @Override
    public String toString() {
        return "NtpdShm[unit=" + unit() + " key=" + hex(key()) + " layout=" + layout.name() + " backend="
                + backend.name() + (readOnly ? " read-only" : "") + (isClosed() ? " closed" : "") + "]";
    }

    // ---- the lock -----------------------------------------------------------------------------------------

    private void lock() {
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

    private void unlock() {
        LOCKED.setRelease(this, 0);
    }

    // ---- guards -------------------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("unit " + unit() + " (key " + hex(key()) + ") is closed; open it again");
    }

    private void checkWritable() {
        checkOpen();
        if (readOnly) {
            throw new IllegalStateException("unit " + unit() + " (key " + hex(key()) + ") was opened read-only;"
                    + " open it without readOnly(true) to write");
        }
    }

    private void checkSeconds(String field, long sec) {
        long min = timeT64 ? Long.MIN_VALUE : Integer.MIN_VALUE;
        if (sec < min || sec > layout.maxSeconds()) {
            throw new IllegalArgumentException(field + " " + sec + " does not fit layout " + layout.label()
                    + ": time_t holds " + min + ".." + layout.maxSeconds());
        }
    }

    private static void checkUnsigned(String field, long v) {
        if (v < 0 || v > MAX_UNSIGNED_INT) {
            throw new IllegalArgumentException(field + " " + v + " is out of range 0.." + MAX_UNSIGNED_INT
                    + " (an unsigned C int)");
        }
    }

    /** The checks of a sample's time stamp, shared with the SOCK writer: since 1970, fits time_t, nanoseconds. */
    static void checkTime(ShmLayout layout, String what, long sec, int nanos) {
        if (sec < 0) {
            throw new IllegalArgumentException(what + " time " + sec + " s is before 1970; a sample needs a time"
                    + " since the epoch");
        }
        if (sec > MAX_SAMPLE_SECONDS) {
            throw tooLate(what, Long.toString(sec));
        }
        if (sec > layout.maxSeconds()) {
            throw new IllegalArgumentException(what + " time " + sec + " s does not fit layout " + layout.label()
                    + ": its time_t ends at " + layout.maxSeconds() + " (" + Instant.ofEpochSecond(layout.maxSeconds())
                    + ")");
        }
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw new IllegalArgumentException(what + " nanoseconds " + nanos + " are out of range 0..999999999");
        }
    }

    static void checkSeconds(String what, double t) {
        if (Double.isNaN(t) || Double.isInfinite(t) || t < 0) {
            throw new IllegalArgumentException(what + " time " + t + " is not a time: give seconds since the epoch,"
                    + " finite and not negative");
        }
        if (t >= MAX_SAMPLE_SECONDS + 1.0) {
            throw tooLate(what, Double.toString(t));
        }
    }

    private static IllegalArgumentException tooLate(String what, String sec) {
        return new IllegalArgumentException(what + " time " + sec + " s is beyond " + MAX_SAMPLE_SECONDS + " s ("
                + Instant.MAX + "), the latest time java.time.Instant and the daemons' readers can represent");
    }

    static void checkLeap(int leap) {
        if (leap < 0 || leap > 3) {
            throw new IllegalArgumentException("leap " + leap + " is out of range 0..3 (0 no warning, 1 add a second,"
                    + " 2 delete a second, 3 not in sync)");
        }
    }

    static void checkPrecision(int precision) {
        if (precision < MIN_PRECISION || precision > MAX_PRECISION) {
            throw new IllegalArgumentException("precision " + precision + " is out of range " + MIN_PRECISION + ".."
                    + MAX_PRECISION + " (log2 seconds: -20 is about 1 microsecond, -10 about 1 millisecond)");
        }
    }

    // ---- raw fields ---------------------------------------------------------------------------------------

    private long getTime(int offset) {
        return timeT64 ? mem.getLong(offset) : mem.getInt(offset);
    }

    private void putTime(int offset, long sec) {
        if (timeT64) {
            mem.putLong(offset, sec);
        } else {
            mem.putInt(offset, (int) sec);
        }
    }

    private int readInt(int offset) {
        lock();
        try {
            checkOpen();
            return mem.getInt(offset);
        } finally {
            unlock();
        }
    }

    private void writeInt(int offset, int value) {
        lock();
        try {
            checkWritable();
            mem.putInt(offset, value);
        } finally {
            unlock();
        }
    }

    private long readUnsigned(int offset) {
        return Integer.toUnsignedLong(readInt(offset));
    }

    private long readTime(int offset) {
        lock();
        try {
            checkOpen();
            return getTime(offset);
        } finally {
            unlock();
        }
    }

    private void writeTime(String field, int offset, long sec) {
        checkSeconds(field, sec);
        lock();
        try {
            checkWritable();
            putTime(offset, sec);
        } finally {
            unlock();
        }
    }

    @Override
    public int getMode() {
        return readInt(ShmLayout.MODE);
    }

    @Override
    public void setMode(int mode) {
        lock();
        try {
            checkWritable();
            mem.putInt(ShmLayout.MODE, mode);
            modeWritten = mode == 1;
        } finally {
            unlock();
        }
    }

    @Override
    public int getCount() {
        lock();
        try {
            checkOpen();
            return mem.getIntOpaque(ShmLayout.COUNT);
        } finally {
            unlock();
        }
    }

    @Override
    public void setCount(int count) {
        lock();
        try {
            checkWritable();
            mem.putIntOpaque(ShmLayout.COUNT, count);
            lastCount = count;
        } finally {
            unlock();
        }
    }

    @Override
    public long getClockTimeStampSec() {
        return readTime(oClockSec);
    }

    @Override
    public void setClockTimeStampSec(long sec) {
        writeTime("clockTimeStampSec", oClockSec, sec);
    }

    @Override
    public int getClockTimeStampUSec() {
        return readInt(oClockUSec);
    }

    @Override
    public void setClockTimeStampUSec(int usec) {
        writeInt(oClockUSec, usec);
    }

    @Override
    public long getClockTimeStampNSec() {
        return readUnsigned(oClockNSec);
    }

    @Override
    public void setClockTimeStampNSec(long nsec) {
        checkUnsigned("clockTimeStampNSec", nsec);
        writeInt(oClockNSec, (int) nsec);
    }

    @Override
    public long getReceiveTimeStampSec() {
        return readTime(oRecvSec);
    }

    @Override
    public void setReceiveTimeStampSec(long sec) {
        writeTime("receiveTimeStampSec", oRecvSec, sec);
    }

    @Override
    public int getReceiveTimeStampUSec() {
        return readInt(oRecvUSec);
    }

    @Override
    public void setReceiveTimeStampUSec(int usec) {
        writeInt(oRecvUSec, usec);
    }

    @Override
    public long getReceiveTimeStampNSec() {
        return readUnsigned(oRecvNSec);
    }

    @Override
    public void setReceiveTimeStampNSec(long nsec) {
        checkUnsigned("receiveTimeStampNSec", nsec);
        writeInt(oRecvNSec, (int) nsec);
    }

    @Override
    public int getLeap() {
        return readInt(oLeap);
    }

    @Override
    public void setLeap(int leap) {
        checkLeap(leap);
        lock();
        try {
            checkWritable();
            mem.putInt(oLeap, leap);
            this.leap = leap;
        } finally {
            unlock();
        }
    }

    @Override
    public int getPrecision() {
        return readInt(oPrecision);
    }

    @Override
    public void setPrecision(int precision) {
        checkPrecision(precision);
        lock();
        try {
            checkWritable();
            mem.putInt(oPrecision, precision);
            this.precision = precision;
        } finally {
            unlock();
        }
    }

    @Override
    public int getNsamples() {
        return readInt(oNsamples);
    }

    @Override
    public void setNsamples(int nsamples) {
        writeInt(oNsamples, nsamples);
    }

    @Override
    public boolean isValid() {
        lock();
        try {
            checkOpen();
            return mem.getIntOpaque(oValid) != 0;
        } finally {
            unlock();
        }
    }

    @Override
    public void setValid(boolean valid) {
        lock();
        try {
            checkWritable();
            mem.putIntOpaque(oValid, valid ? 1 : 0);
        } finally {
            unlock();
        }
    }

    // ---- float-seconds pseudo fields ----------------------------------------------------------------------

    @Override
    public double getClockTimeStamp() {
        lock();
        try {
            checkOpen();
            return getTime(oClockSec) + mem.getInt(oClockUSec) / 1e6;
        } finally {
            unlock();
        }
    }

    @Override
    public void setClockTimeStamp(double seconds) {
        setTimeStamp("clock", seconds, oClockSec, oClockUSec, oClockNSec);
    }

    @Override
    public double getReceiveTimeStamp() {
        lock();
        try {
            checkOpen();
            return getTime(oRecvSec) + mem.getInt(oRecvUSec) / 1e6;
        } finally {
            unlock();
        }
    }

    @Override
    public void setReceiveTimeStamp(double seconds) {
        setTimeStamp("receive", seconds, oRecvSec, oRecvUSec, oRecvNSec);
    }

    private void setTimeStamp(String what, double seconds, int oSec, int oUSec, int oNSec) {
        checkSeconds(what, seconds);
        long sec = wholeSeconds(seconds);
        int nanos = nanosOf(seconds);
        checkTime(layout, what, sec, nanos);
        lock();
        try {
            checkWritable();
            putTime(oSec, sec);
            mem.putInt(oUSec, nanos / 1000);
            mem.putInt(oNSec, nanos);
        } finally {
            unlock();
        }
    }

    // Seconds since the epoch as a double, split into whole seconds and nanoseconds rounded to the nearest; a
    // fraction that rounds up to a whole second carries into the seconds. The SOCK writer shares these.

    static long wholeSeconds(double t) {
        long sec = (long) Math.floor(t);
        return roundedNanos(t, sec) == NANOS_PER_SECOND ? sec + 1 : sec;
    }

    static int nanosOf(double t) {
        int nanos = roundedNanos(t, (long) Math.floor(t));
        return nanos == NANOS_PER_SECOND ? 0 : nanos;
    }

    private static int roundedNanos(double t, long floor) {
        return (int) Math.round((t - floor) * 1e9);
    }

    // ---- the safe path ------------------------------------------------------------------------------------

    @Override
    public void update(double clockTime) {
        Instant now = Instant.now();  // first: the receive stamp is when the caller handed the sample over
        checkSeconds("clock", clockTime);
        long cSec = wholeSeconds(clockTime);
        int cNanos = nanosOf(clockTime);
        update(cSec, cNanos, now.getEpochSecond(), now.getNano(), KEEP_PRECISION);
    }

    @Override
    public void update(double clockTime, double receiveTime, int precision) {
        checkSeconds("clock", clockTime);
        checkSeconds("receive", receiveTime);
        checkPrecision(precision);
        long cSec = wholeSeconds(clockTime);
        int cNanos = nanosOf(clockTime);
        long rSec = wholeSeconds(receiveTime);
        int rNanos = nanosOf(receiveTime);
        update(cSec, cNanos, rSec, rNanos, precision);
    }

    @Override
    public void update(Instant clock) {
        Instant now = Instant.now();
        update(clock.getEpochSecond(), clock.getNano(), now.getEpochSecond(), now.getNano());
    }

    @Override
    public void update(Instant clock, Instant receive) {
        update(clock.getEpochSecond(), clock.getNano(), receive.getEpochSecond(), receive.getNano());
    }

    @Override
    public void update(long clockSec, int clockNanos, long receiveSec, int receiveNanos) {
        update(clockSec, clockNanos, receiveSec, receiveNanos, KEEP_PRECISION);
    }

    /**
     * Checks everything, then writes gpsd's sequence under the lock with the handle's leap.
     *
     * @param newPrecision the precision to keep from now on, or {@link #KEEP_PRECISION}
     */
    private void update(long clockSec, int clockNanos, long receiveSec, int receiveNanos, int newPrecision) {
        checkTime(layout, "clock", clockSec, clockNanos);
        checkTime(layout, "receive", receiveSec, receiveNanos);
        lock();
        try {
            checkWritable();
            if (newPrecision != KEEP_PRECISION) {
                precision = newPrecision;
            }
            publish(clockSec, clockNanos, receiveSec, receiveNanos, leap, precision);
        } finally {
            unlock();
        }
    }

    /** gpsd's mode-1 write; the fences are C11 {@code atomic_thread_fence(memory_order_seq_cst)}'s equivalent. */
    private void publish(long clockSec, int clockNanos, long receiveSec, int receiveNanos, int leap, int precision) {
        ShmMemory m = mem;
        if (!modeWritten) {
            m.putInt(ShmLayout.MODE, 1);
            modeWritten = true;
        }
        // Readers skip an invalid sample, and one whose count is odd or moves is torn.
        m.putIntOpaque(oValid, 0);
        int count = m.getIntOpaque(ShmLayout.COUNT);
        if (published && count != lastCount) {
            otherWriterUpdates++;  // someone else's samples since ours: a second writer, which a unit must not have
        }
        if ((count & 1) != 0) {
            count++;  // a writer died between its two increments: start from even again, or dump would say torn
        }
        m.putIntOpaque(ShmLayout.COUNT, count + 1);
        VarHandle.fullFence();
        putTime(oClockSec, clockSec);
        m.putInt(oClockUSec, clockNanos / 1000);
        m.putInt(oClockNSec, clockNanos);
        putTime(oRecvSec, receiveSec);
        m.putInt(oRecvUSec, receiveNanos / 1000);
        m.putInt(oRecvNSec, receiveNanos);
        m.putInt(oLeap, leap);
        // ntpd overwrites precision when it starts, so it goes with every sample.
        m.putInt(oPrecision, precision);
        VarHandle.fullFence();
        m.putIntOpaque(ShmLayout.COUNT, count + 2);
        VarHandle.fullFence();
        m.putIntOpaque(oValid, 1);
        published = true;
        lastCount = count + 2;
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
        String me = effectiveUid();
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
        return toRead(read(false, m), m);
    }

    @Override
    public ShmRead consume() {
        ShmSample.Mutable m = new ShmSample.Mutable();
        return toRead(read(true, m), m);
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
     * The read under the lock, or without it where the memory is close-safe: Panama's shared arena makes an
     * access racing close() fail in Java, so a concurrent close cannot make a read touch unmapped memory.
     * Readers never need the lock against writers: the count protocol catches a torn sample, as in ntpd.
     */
    private ShmRead.Status read(boolean consume, ShmSample.Mutable into) {
        if (closeSafe) {
            checkReadable(consume);
            try {
                return readSample(consume, into);
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
            checkReadable(consume);
            return readSample(consume, into);
        } finally {
            unlock();
        }
    }

    private void checkReadable(boolean consume) {
        checkOpen();
        if (consume && readOnly) {
            throw new IllegalStateException("unit " + unit() + " (key " + hex(key()) + ") was opened read-only;"
                    + " a consuming read clears valid, so use peek() or open it read-write");
        }
    }

    /** The immutable result of a read into {@code m}. */
    private static ShmRead toRead(ShmRead.Status status, ShmSample.Mutable m) {
        switch (status) {
            case OK:
                return ShmRead.ok(m.toSample(), m.readCountAfter);
            case CLASH:
                return ShmRead.clash(m.readMode, m.readCountBefore, m.readCountAfter);
            case BAD_MODE:
                return ShmRead.badMode(m.readMode, m.readCountBefore);
            default:
                return ShmRead.notValid();
        }
    }

    /**
     * ntpd's reader: nothing unless valid; count before, fence, copy, (clear valid,) fence, count after. Stricter
     * than ntpd in one way: a {@code valid} that dropped to 0 during the copy also marks a mode-1 sample torn,
     * because gpsd's writer clears it before it moves count. Fills {@code into} only when the status is OK, and
     * records mode and counts for {@link #toRead}; allocates nothing.
     */
    private ShmRead.Status readSample(boolean consume, ShmSample.Mutable into) {
        ShmMemory m = mem;
        if (m.getIntOpaque(oValid) == 0) {
            return ShmRead.Status.NOT_VALID;
        }
        int before = m.getIntOpaque(ShmLayout.COUNT);
        VarHandle.fullFence();
        int mode = m.getInt(ShmLayout.MODE);
        long cSec = getTime(oClockSec);
        int cUSec = m.getInt(oClockUSec);
        int cNSec = m.getInt(oClockNSec);
        long rSec = getTime(oRecvSec);
        int rUSec = m.getInt(oRecvUSec);
        int rNSec = m.getInt(oRecvNSec);
        int lp = m.getInt(oLeap);
        int prec = m.getInt(oPrecision);
        int ns = m.getInt(oNsamples);
        VarHandle.fullFence();
        boolean stillValid = m.getIntOpaque(oValid) != 0;
        if (consume) {
            m.putIntOpaque(oValid, 0);
            VarHandle.fullFence();
        }
        int after = m.getIntOpaque(ShmLayout.COUNT);
        into.readMode = mode;
        into.readCountBefore = before;
        into.readCountAfter = after;
        if (mode == 1 && (before != after || !stillValid)) {
            return ShmRead.Status.CLASH;
        }
        if (mode != 0 && mode != 1) {
            return ShmRead.Status.BAD_MODE;
        }
        into.set(mode, before, cSec, cUSec, Integer.toUnsignedLong(cNSec), rSec, rUSec, Integer.toUnsignedLong(rNSec),
                lp, prec, ns);
        return ShmRead.Status.OK;
    }

    // ---- lifetime -----------------------------------------------------------------------------------------

    @Override
    public void removeSegment() {
        lock();
        try {
            checkOpen();
            if (readOnly) {
                throw new IllegalStateException("unit " + unit() + " (key " + hex(key()) + ") was opened read-only;"
                        + " a monitor never removes the segment: open it read-write, or use NtpdShm.remove(options)");
            }
            try {
                backend.shmctl(shmid, ShmBackend.IPC_RMID, null);
            } catch (ErrnoException e) {
                throw failure(backend, "shmctl(IPC_RMID)", options, e.errno(), layout);
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
                throw failure(backend, "shmdt", options, detach.failure.errno(), layout);
            }
        } finally {
            unlock();
        }
    }
}
