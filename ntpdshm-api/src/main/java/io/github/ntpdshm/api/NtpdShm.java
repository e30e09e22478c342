/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import java.time.Instant;
import java.util.Optional;

/**
 * One unit of the NTP shared-memory reference clock (ntpd's driver 28, "SHM"): a {@code struct shmTime} in a
 * System V segment that ntpd, NTPsec, chrony and gpsd's tools read.
 *
 * <pre>{@code
 * try (NtpdShm shm = NtpdShm.open(2)) {                 // unit 2, created if absent
 *     shm.setPrecision(-20);
 *     shm.update(Instant.now().minusSeconds(1));        // a reference clock 1 s behind
 *     System.out.println(shm.peek());
 * }
 * }</pre>
 *
 * <h2>Raw fields and the safe path</h2>
 * The getters and setters named after the C fields ({@code getCount}, {@code setClockTimeStampSec}, ...) read
 * or write exactly that field and nothing else, with no fences: for tools, tests and odd peers.
 * {@link #update(Instant, Instant)} and its siblings are what a reference clock uses: gpsd's mode-1 sequence
 * ({@code valid = 0; count++; fence; fields; fence; count++; fence; valid = 1}), USec and NSec both written,
 * precision and leap written with every sample. {@link #read()} follows ntpd's reader and reports a torn sample
 * as {@link ShmRead.Status#CLASH}, never as data. Each {@code update} given both time stamps has a sibling that
 * takes the sample's precision too; the others write the handle's (the last one set or given). Each method's
 * comment says what it allocates; a raw getter or setter allocates nothing, a failure its exception.
 *
 * <h2>Threads, lifetime, one writer per unit, errors</h2>
 * A handle is safe to share between threads; close every handle; give each unit exactly one writer; bad arguments
 * throw before anything is written: the {@linkplain io.github.ntpdshm.api package documentation} says how and why.
 */
public interface NtpdShm extends AutoCloseable {

    /** Precision written until {@link #setPrecision(int)} is called: -20, about 1 microsecond. */
    int DEFAULT_PRECISION = -20;
    /** Lowest precision accepted: 2^-32 s (NTPsec initialises segments with -30). */
    int MIN_PRECISION = -32;
    /** Highest precision accepted: 2^0 = 1 s. */
    int MAX_PRECISION = 0;

    /**
     * Opens a unit with every default: ntpd's key ({@code 0x4E545030 + unit}), created if absent with ntpd's
     * permissions, the layout inferred from an existing segment or, for a new one, the local daemons' (see
     * {@link LayoutChoice}), the best available backend.
     *
     * @param unit 0..255
     * @return an open handle; close it when done
     * @throws NtpdShmException if the segment cannot be created or attached (the message says why and what to do)
     */
    static NtpdShm open(int unit) {
        return open(ShmOptions.of(unit));
    }

    /**
     * Opens a unit as the options say.
     *
     * @param options unit, key base, layout, create or attach, permissions, read-only, backend
     * @return an open handle; close it when done
     * @throws NtpdShmException if the segment cannot be created or attached (the message says why and what to do)
     */
    static NtpdShm open(ShmOptions options) {
        return ShmOpener.open(options);
    }

    /**
     * Marks the options' segment for removal ({@code IPC_RMID}); it disappears when the last process detaches.
     *
     * @param options the unit and key base that name the segment
     * @return false if the key has no segment
     * @throws NtpdShmException if this process may not remove it (EPERM: only the owner, creator or root may)
     */
    static boolean remove(ShmOptions options) {
        return ShmOpener.remove(options);
    }

    /**
     * Checks a leap indicator as {@link #setLeap(int)} does, before any segment exists (input from a user).
     *
     * @param leap the value to check
     * @throws IllegalArgumentException if it is not 0..3, with {@code setLeap}'s message
     */
    static void checkLeap(int leap) {
        SampleRules.checkLeap(leap);
    }

    /**
     * Checks a precision as {@link #setPrecision(int)} does, before any segment exists (input from a user).
     *
     * @param precision the value to check
     * @throws IllegalArgumentException if it is not {@value #MIN_PRECISION}..{@value #MAX_PRECISION}, with
     *                                  {@code setPrecision}'s message
     */
    static void checkPrecision(int precision) {
        SampleRules.checkPrecision(precision);
    }

    // ---- identity ----------------------------------------------------------------------------------------

    /** {@return the unit, 0..255} */
    int unit();

    /** {@return the System V key} */
    int key();

    /** {@return the layout in use} */
    ShmLayout layout();

    /** {@return the backend's name: {@code panama}, {@code jna} or {@code jnr}} */
    String backendName();

    /** {@return whether attached with {@code SHM_RDONLY}} */
    boolean isReadOnly();

    /** {@return whether {@link #close()} was called} */
    boolean isClosed();

    /** {@return the kernel's current facts about this segment (size, owner, ...), read and parsed from its table} */
    ShmSegment segment();

    /**
     * A warning for a writer that attached a segment someone else prepared: its owner is another user, or its
     * permissions differ from {@link ShmOptions#permissions()} (for unit 0, a pre-created 0666 segment lets any
     * user steer the system clock). Empty when all is as asked, and always on a read-only handle. Reads the
     * kernel's table: call it once after opening, not per sample.
     *
     * @return the warning, in a sentence with what to do, or empty
     */
    Optional<String> accessWarning();

    /**
     * How many of this handle's updates found that {@code count} had moved since its previous update: samples of
     * another writer on the same unit, which must not have two (see the package documentation). 0 when all is well.
     *
     * @return the number of such updates since this handle was opened
     */
    long otherWriterUpdates();

    // ---- raw fields ---------------------------------------------------------------------------------------

    /** {@return {@code mode}} */
    int getMode();

    /**
     * Writes {@code mode}.
     * @param mode 0 or 1
     */
    void setMode(int mode);

    /** {@return {@code count} (a volatile load)} */
    int getCount();

    /**
     * Writes {@code count} (a volatile store).
     * @param count the new value
     */
    void setCount(int count);

    /** {@return {@code clockTimeStampSec}: the reference clock's seconds} */
    long getClockTimeStampSec();

    /**
     * Writes {@code clockTimeStampSec}.
     * @param sec seconds since the epoch; must fit the layout's {@code time_t}
     */
    void setClockTimeStampSec(long sec);

    /** {@return {@code clockTimeStampUSec}} */
    int getClockTimeStampUSec();

    /**
     * Writes {@code clockTimeStampUSec}.
     * @param usec microseconds
     */
    void setClockTimeStampUSec(int usec);

    /** {@return {@code clockTimeStampNSec}, an unsigned C int} */
    long getClockTimeStampNSec();

    /**
     * Writes {@code clockTimeStampNSec}.
     * @param nsec nanoseconds, 0..4294967295 (an unsigned C int)
     */
    void setClockTimeStampNSec(long nsec);

    /** {@return {@code receiveTimeStampSec}: the system clock's seconds when the sample was taken} */
    long getReceiveTimeStampSec();

    /**
     * Writes {@code receiveTimeStampSec}.
     * @param sec seconds since the epoch; must fit the layout's {@code time_t}
     */
    void setReceiveTimeStampSec(long sec);

    /** {@return {@code receiveTimeStampUSec}} */
    int getReceiveTimeStampUSec();

    /**
     * Writes {@code receiveTimeStampUSec}.
     * @param usec microseconds
     */
    void setReceiveTimeStampUSec(int usec);

    /** {@return {@code receiveTimeStampNSec}, an unsigned C int} */
    long getReceiveTimeStampNSec();

    /**
     * Writes {@code receiveTimeStampNSec}.
     * @param nsec nanoseconds, 0..4294967295 (an unsigned C int)
     */
    void setReceiveTimeStampNSec(long nsec);

    /** {@return {@code leap}: 0 no warning, 1 add a second, 2 delete a second, 3 not in sync} */
    int getLeap();

    /**
     * Writes {@code leap} and keeps it for later updates.
     * @param leap 0 no warning, 1 add a second, 2 delete a second, 3 not in sync
     */
    void setLeap(int leap);

    /** {@return {@code precision}: log2 seconds} */
    int getPrecision();

    /**
     * Writes {@code precision} and keeps it for later updates.
     * @param precision log2 seconds, {@value #MIN_PRECISION}..{@value #MAX_PRECISION}
     */
    void setPrecision(int precision);

    /** {@return {@code nsamples}} */
    int getNsamples();

    /**
     * Writes {@code nsamples}.
     * @param nsamples the new value
     */
    void setNsamples(int nsamples);

    /** {@return whether {@code valid} is non-zero (a volatile load)} */
    boolean isValid();

    /**
     * Writes {@code valid} as 1 or 0 (a volatile store).
     * @param valid true for 1
     */
    void setValid(boolean valid);

    // ---- float-seconds pseudo fields ----------------------------------------------------------------------

    /** {@return {@code clockTimeStampSec + clockTimeStampUSec / 1e6}} */
    double getClockTimeStamp();

    /**
     * Writes {@code clockTimeStampSec}, {@code USec} (truncated) and {@code NSec}.
     * @param seconds seconds since the epoch
     */
    void setClockTimeStamp(double seconds);

    /** {@return {@code receiveTimeStampSec + receiveTimeStampUSec / 1e6}} */
    double getReceiveTimeStamp();

    /**
     * Writes {@code receiveTimeStampSec}, {@code USec} (truncated) and {@code NSec}.
     * @param seconds seconds since the epoch
     */
    void setReceiveTimeStamp(double seconds);

    // ---- the safe path ------------------------------------------------------------------------------------

    /**
     * Publishes a sample whose receive time is now (the system clock at full resolution), with the handle's
     * precision. Allocates nothing once compiled: escape analysis removes the {@link Instant#now()} it reads.
     *
     * @param clockTime the reference clock's time in seconds since the epoch
     */
    void update(double clockTime);

    /**
     * Publishes a sample and sets the precision kept for later updates. Allocates nothing.
     *
     * @param clockTime   the reference clock's time in seconds since the epoch
     * @param receiveTime the system clock's time when the reference time was seen
     * @param precision   log2 seconds, {@value #MIN_PRECISION}..{@value #MAX_PRECISION}
     */
    void update(double clockTime, double receiveTime, int precision);

    /**
     * Publishes a sample at nanosecond resolution whose receive time is now, with the handle's precision. Reads
     * the clock with {@link Instant#now()}, whose object escape analysis removes once compiled (measured: 0 B per
     * {@link #update(double)}, which does the same).
     *
     * @param clock the reference clock's time
     */
    void update(Instant clock);

    /**
     * Publishes a sample at nanosecond resolution with the handle's precision. Allocates nothing.
     *
     * @param clock   the reference clock's time
     * @param receive the system clock's time when the reference time was seen
     */
    void update(Instant clock, Instant receive);

    /**
     * Publishes a sample at nanosecond resolution and sets the precision kept for later updates. Allocates
     * nothing.
     *
     * @param clock     the reference clock's time
     * @param receive   the system clock's time when the reference time was seen
     * @param precision log2 seconds, {@value #MIN_PRECISION}..{@value #MAX_PRECISION}
     */
    void update(Instant clock, Instant receive, int precision);

    /**
     * Publishes a sample from seconds and nanoseconds of both time stamps, with the handle's precision. Allocates
     * nothing.
     *
     * @param clockSec     the reference clock's seconds since the epoch
     * @param clockNanos   0..999999999
     * @param receiveSec   the system clock's seconds since the epoch when the reference time was seen
     * @param receiveNanos 0..999999999
     */
    void update(long clockSec, int clockNanos, long receiveSec, int receiveNanos);

    /**
     * Publishes a sample from seconds and nanoseconds of both time stamps and sets the precision kept for later
     * updates. Allocates nothing.
     *
     * @param clockSec     the reference clock's seconds since the epoch
     * @param clockNanos   0..999999999
     * @param receiveSec   the system clock's seconds since the epoch when the reference time was seen
     * @param receiveNanos 0..999999999
     * @param precision    log2 seconds, {@value #MIN_PRECISION}..{@value #MAX_PRECISION}
     */
    void update(long clockSec, int clockNanos, long receiveSec, int receiveNanos, int precision);

    // ---- reading ------------------------------------------------------------------------------------------

    /** {@return {@link #peek()} on a read-only handle, {@link #consume()} otherwise; allocates as they do} */
    ShmRead read();

    /**
     * ntpd's read without clearing {@code valid}: a monitor's read, never writes. Allocates a
     * {@link ShmSample.Mutable} to read into, then a {@link ShmRead} (a shared one for
     * {@link ShmRead.Status#NOT_VALID}) and for {@link ShmRead.Status#OK} a {@link ShmSample}.
     *
     * @return the status, and the sample when it is {@link ShmRead.Status#OK}
     */
    ShmRead peek();

    /**
     * ntpd's read: takes the sample and clears {@code valid}, so the next read sees nothing until the writer
     * publishes again. Two consumers steal each other's samples. Allocates as {@link #peek()}.
     *
     * @return the status, and the sample when it is {@link ShmRead.Status#OK}
     * @throws IllegalStateException on a read-only handle
     */
    ShmRead consume();

    /**
     * {@link #peek()} into a caller-owned holder, allocating nothing: for monitors that poll often (gpsd's
     * {@code ntpshmmon} polls every millisecond). The same read as {@code peek()}: the same fences, the same lock,
     * the same statuses.
     *
     * @param into filled when the status is {@link ShmRead.Status#OK}, otherwise left as it was
     * @return the read's status
     */
    ShmRead.Status peek(ShmSample.Mutable into);

    /**
     * {@link #consume()} into a caller-owned holder, allocating nothing; see {@link #peek(ShmSample.Mutable)}.
     *
     * @param into filled when the status is {@link ShmRead.Status#OK}, otherwise left as it was
     * @return the read's status
     * @throws IllegalStateException on a read-only handle
     */
    ShmRead.Status consume(ShmSample.Mutable into);

    // ---- lifetime -----------------------------------------------------------------------------------------

    /**
     * Marks this segment for removal ({@code IPC_RMID}); it goes away once every process has detached.
     *
     * @throws IllegalStateException on a read-only handle: a monitor never removes what it watches
     */
    void removeSegment();

    /**
     * Detaches ({@code shmdt}); the segment stays. Idempotent. Call it (try-with-resources): a dropped handle is
     * detached only when the garbage collector gets to it.
     */
    @Override
    void close();
}
