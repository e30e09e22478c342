/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import static io.github.ntpdshm.internal.Errno.EACCES;
import static io.github.ntpdshm.internal.Errno.EADDRINUSE;
import static io.github.ntpdshm.internal.Errno.EAGAIN;
import static io.github.ntpdshm.internal.Errno.ECONNREFUSED;
import static io.github.ntpdshm.internal.Errno.EMFILE;
import static io.github.ntpdshm.internal.Errno.EMSGSIZE;
import static io.github.ntpdshm.internal.Errno.ENFILE;
import static io.github.ntpdshm.internal.Errno.ENOENT;
import static io.github.ntpdshm.internal.Errno.ENOTDIR;
import static io.github.ntpdshm.internal.Errno.ENOTSOCK;
import static io.github.ntpdshm.internal.Errno.EPERM;
import static io.github.ntpdshm.internal.Errno.EPROTOTYPE;

import io.github.ntpdshm.internal.Errno;
import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

/** The one implementation of {@link ChronySock}: the datagram, the delivery rules and the messages, over any backend. */
final class SockHandle implements ChronySock {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final ShmBackend backend;
    private final SockOptions options;
    private final SockLayout layout;
    private final UnixAddress address;
    private final int fd;
    private final Consumer<NtpdShmException> onProblem;
    // Guarded by this.
    private final ByteBuffer datagram;
    private boolean closed;
    private int leap;
    private boolean pulse;
    private long sent;
    private long dropped;
    /** The errno of the episode already reported, 0 while samples get through. */
    private int reported;

    private SockHandle(ShmBackend backend, SockOptions options, int fd) {
        this.backend = backend;
        this.options = options;
        this.layout = options.layout();
        this.address = new UnixAddress(options.path());
        this.fd = fd;
        this.onProblem = options.onProblem();
        this.datagram = ByteBuffer.allocateDirect(layout.size()).order(ByteOrder.nativeOrder());
        datagram.putInt(layout.magic(), SockLayout.MAGIC);
    }

    static SockHandle open(SockOptions o) {
        ShmBackend b = ShmBackends.select(o.backend().orElse(null));
        return new SockHandle(b, o, openSocket(b, o));
    }

    /** A non-blocking, close-on-exec, unbound UNIX datagram socket. */
    static int openSocket(ShmBackend b, SockOptions o) {
        try {
            return b.socket(ShmBackend.AF_UNIX, ShmBackend.SOCK_DGRAM | ShmBackend.SOCK_NONBLOCK
                    | ShmBackend.SOCK_CLOEXEC, 0);
        } catch (ErrnoException e) {
            throw failure(b, "socket", o.path(), e.errno());
        }
    }

    // ---- error messages: the same text whichever backend failed ----------------------------------------

    static NtpdShmException failure(ShmBackend b, String op, Path path, int errno) {
        String advice;
        switch (errno) {
            case ENOENT:
            case ECONNREFUSED:
                advice = "nothing listens there: chronyd creates the socket when it starts with `refclock SOCK "
                        + path + "`; the sample is dropped and the next one is sent again.";
                break;
            case EAGAIN:
                advice = "the socket's buffer is full because its reader does not read (chronyd stopped or hung);"
                        + " samples are dropped until it reads again.";
                break;
            case EACCES:
            case EPERM:
                advice = "this process (uid " + ShmErrors.effectiveUid() + ") may not write to the socket or search"
                        + " its folder; chronyd creates it for its own user: run as that user or root.";
                break;
            case ENOTSOCK:
            case EPROTOTYPE:
            case ENOTDIR:
                advice = "the path is not a UNIX datagram socket (a stream socket or a plain file?); chrony.conf's"
                        + " `refclock SOCK` path is the one to use.";
                break;
            case EADDRINUSE:
                advice = "a file already exists at the path; remove it if nothing uses it.";
                break;
            case EMSGSIZE:
                advice = "the receiver does not take datagrams of this size.";
                break;
            case EMFILE:
            case ENFILE:
                advice = "too many open files; close some or raise the limit (ulimit -n).";
                break;
            default:
                advice = "see socket(2), sendto(2) and unix(7).";
        }
        return new NtpdShmException(op, -1, 0, errno, op + " failed for socket " + path + " (backend " + b.name()
                + "): " + Errno.name(errno) + " (" + Errno.text(errno) + "); "
                + advice);
    }

    // ---- identity -----------------------------------------------------------------------------------------

    @Override
    public Path path() {
        return options.path();
    }

    @Override
    public SockLayout layout() {
        return layout;
    }

    @Override
    public String backendName() {
        return backend.name();
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized long sent() {
        return sent;
    }

    @Override
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public String toString() {
        return "ChronySock[path=" + path() + " layout=" + layout.name() + " backend=" + backend.name()
                + (isClosed() ? " closed" : "") + "]";
    }

    // ---- settings -----------------------------------------------------------------------------------------

    @Override
    public synchronized void setLeap(int leap) {
        ChronySock.checkLeap(leap);
        checkOpen();
        this.leap = leap;
    }

    @Override
    public synchronized int getLeap() {
        return leap;
    }

    @Override
    public synchronized void setPulse(boolean pulse) {
        checkOpen();
        this.pulse = pulse;
    }

    @Override
    public synchronized boolean isPulse() {
        return pulse;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the SOCK writer for " + path() + " is closed; open it again");
        }
    }

    // ---- the safe path ------------------------------------------------------------------------------------

    @Override
    public Delivery update(double clockTime) {
        SampleRules.checkSeconds("clock", clockTime);
        Instant now = Instant.now();
        return update(SampleRules.wholeSeconds(clockTime), SampleRules.nanosOf(clockTime), now.getEpochSecond(),
                now.getNano());
    }

    @Override
    public Delivery update(Instant clock) {
        Instant now = Instant.now();
        return update(clock.getEpochSecond(), clock.getNano(), now.getEpochSecond(), now.getNano());
    }

    @Override
    public Delivery update(Instant clock, Instant receive) {
        return update(clock.getEpochSecond(), clock.getNano(), receive.getEpochSecond(), receive.getNano());
    }

    @Override
    public synchronized Delivery update(long clockSec, int clockNanos, long receiveSec, int receiveNanos) {
        SampleRules.checkTime(layout.timeRange(), "clock", clockSec, clockNanos);
        SampleRules.checkTime(layout.timeRange(), "receive", receiveSec, receiveNanos);
        checkOpen();
        // Exact in a double while |clock - receive| < 104 days (2^53 ns): one rounding, in the division.
        double offset = ((clockSec - receiveSec) * NANOS_PER_SECOND + (clockNanos - receiveNanos))
                / (double) NANOS_PER_SECOND;
        encode(datagram, layout, receiveSec, receiveNanos / 1000, offset, pulse ? 1 : 0, leap);
        return send();
    }

    /** Writes a {@code struct sock_sample} (all but {@code magic}, which never changes) from position 0. */
    static void encode(ByteBuffer b, SockLayout layout, long tvSec, long tvUsec, double offset, int pulse, int leap) {
        if (layout.timeTSize() == 8) {
            b.putLong(SockLayout.TV_SEC, tvSec);
            b.putLong(layout.tvUsec(), tvUsec);
        } else {
            b.putInt(SockLayout.TV_SEC, (int) tvSec);
            b.putInt(layout.tvUsec(), (int) tvUsec);
        }
        b.putDouble(layout.offset(), offset);
        b.putInt(layout.pulse(), pulse);
        b.putInt(layout.leap(), leap);
        b.putInt(layout.pad(), 0);
    }

    private Delivery send() {
        try {
            backend.sendto(fd, datagram, layout.size(), 0, address.buffer, address.length);
            sent++;
            reported = 0;
            return Delivery.SENT;
        } catch (ErrnoException e) {
            int errno = e.errno();
            Delivery d;
            if (errno == ENOENT || errno == ECONNREFUSED) {
                d = Delivery.NO_LISTENER;
            } else if (errno == EAGAIN) {
                d = Delivery.BUFFER_FULL;
            } else {
                throw failure(backend, "sendto", path(), errno);
            }
            dropped++;
            int kind = d == Delivery.NO_LISTENER ? ENOENT : EAGAIN;
            if (reported != kind) {
                reported = kind;
                onProblem.accept(failure(backend, "sendto", path(), errno));
            }
            return d;
        }
    }

    // ---- lifetime -----------------------------------------------------------------------------------------

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            backend.close(fd);
        } catch (ErrnoException e) {
            throw failure(backend, "close", path(), e.errno());
        }
    }
}
