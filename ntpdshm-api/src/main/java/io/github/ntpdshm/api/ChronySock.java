/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A writer of chrony's SOCK refclock ({@code refclock SOCK PATH} in chrony.conf): each sample is one
 * {@code struct sock_sample} datagram sent to the UNIX datagram socket chronyd binds at the path.
 *
 * <pre>{@code
 * try (ChronySock sock = ChronySock.open(Paths.get("/run/chrony.clk.sock"))) {
 *     sock.update(Instant.now().minusSeconds(1));       // a reference clock 1 s behind
 * }
 * }</pre>
 *
 * <h2>The same samples as the SHM path</h2>
 * The update methods are {@link NtpdShm}'s and check their arguments the same way. A sample carries the
 * receive time in {@code tv} (microseconds, as {@code struct timeval} holds) and {@code clock - receive} in
 * {@code offset}, computed from both time stamps' nanoseconds, as gpsd does: the offset keeps its nanoseconds;
 * the microsecond {@code tv} only moves the instant it applies to by less than 1 µs.
 *
 * <h2>chronyd may come and go</h2>
 * The writer never binds the path; it sends each datagram to it, so a chronyd started later or restarted (a new
 * socket at the same path) receives the next sample. While nothing listens (ENOENT, ECONNREFUSED) or the
 * socket's buffer is full (EAGAIN) a sample is dropped, counted, and reported once per episode to
 * {@link SockOptions.Builder#onProblem}; the caller is never blocked. Other failures (the path is no datagram
 * socket, permission denied) throw {@link NtpdShmException}.
 *
 * <h2>Threads</h2>
 * A writer is safe to share between threads; updates and {@link #close()} hold its lock. After {@code close()}
 * updates throw {@link IllegalStateException}.
 */
public interface ChronySock extends AutoCloseable {

    /** What became of a sample. */
    enum Delivery {
        /** The datagram is in the socket's buffer. */
        SENT,
        /** Nothing listens at the path (ENOENT, ECONNREFUSED); dropped. */
        NO_LISTENER,
        /** The socket's buffer is full (EAGAIN): the daemon is not reading; dropped. */
        BUFFER_FULL
    }

    /**
     * Opens a writer for this path with every default.
     *
     * @param path the socket chronyd reads ({@code refclock SOCK PATH})
     * @return the writer; close it when done
     */
    static ChronySock open(Path path) {
        return open(SockOptions.of(path));
    }

    /**
     * Opens a writer as the options say: creates its own unbound socket; the path need not exist yet.
     *
     * @param options the path, layout and backend
     * @return the writer; close it when done
     */
    static ChronySock open(SockOptions options) {
        return SockHandle.open(options);
    }

    /**
     * Checks a leap indicator as {@link #setLeap(int)} does, without a socket: for a program that takes it from its
     * user and wants to refuse a bad one before it sends anything.
     *
     * @param leap the value to check
     * @throws IllegalArgumentException if it is not 0..2 (chrony's SOCK refclock takes no 3), with the message
     *                                  {@code setLeap} gives
     */
    static void checkLeap(int leap) {
        if (leap < 0 || leap > 2) {
            throw new IllegalArgumentException("leap " + leap + " is out of range 0..2 for chrony's SOCK refclock"
                    + " (0 no warning, 1 add a second, 2 delete a second)");
        }
    }

    /** {@return the socket's path} */
    Path path();

    /** {@return the datagram layout} */
    SockLayout layout();

    /** {@return the backend's name} */
    String backendName();

    /**
     * Sets {@code leap} for later samples.
     *
     * @param leap 0 none, 1 insert a second, 2 delete one (chrony takes no 3)
     */
    void setLeap(int leap);

    /** {@return the {@code leap} sent with each sample} */
    int getLeap();

    /**
     * Sets {@code pulse} for later samples.
     *
     * @param pulse true marks a PPS edge whose seconds another source gives
     */
    void setPulse(boolean pulse);

    /** {@return whether samples are sent as PPS pulses} */
    boolean isPulse();

    /**
     * Sends a sample whose receive time is now, read with {@link Instant#now()}; otherwise allocates as
     * {@link #update(long, int, long, int)}.
     *
     * @param clockTime the reference clock's time in seconds since the epoch
     * @return what became of the sample
     */
    Delivery update(double clockTime);

    /**
     * Sends a sample at nanosecond resolution whose receive time is now, read with {@link Instant#now()};
     * otherwise allocates as {@link #update(long, int, long, int)}.
     *
     * @param clock the reference clock's time
     * @return what became of the sample
     */
    Delivery update(Instant clock);

    /**
     * Sends a sample at nanosecond resolution; allocates as {@link #update(long, int, long, int)}.
     *
     * @param clock   the reference clock's time
     * @param receive the system clock's time when the reference time was seen
     * @return what became of the sample
     */
    Delivery update(Instant clock, Instant receive);

    /**
     * Sends a sample from seconds and nanoseconds of both time stamps. The API allocates nothing for it; the
     * backend's {@code sendto} may (JNA's boxes the length in a {@code NativeLong}), and a failure allocates its
     * exception.
     *
     * @param clockSec     the reference clock's seconds since the epoch
     * @param clockNanos   0..999999999
     * @param receiveSec   the system clock's seconds since the epoch when the reference time was seen
     * @param receiveNanos 0..999999999
     * @return what became of the sample
     */
    Delivery update(long clockSec, int clockNanos, long receiveSec, int receiveNanos);

    /** {@return samples sent} */
    long sent();

    /** {@return samples dropped because nothing listened or the buffer was full} */
    long dropped();

    /** {@return whether {@link #close()} was called} */
    boolean isClosed();

    /** Closes the writer's socket; the path is not touched (it is chronyd's). Idempotent. */
    @Override
    void close();
}
