/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import static io.github.ntpdshm.internal.Errno.EAGAIN;
import static io.github.ntpdshm.internal.Errno.ECONNREFUSED;
import static io.github.ntpdshm.internal.Errno.EINTR;
import static io.github.ntpdshm.internal.Errno.ENOENT;

import io.github.ntpdshm.internal.Errno;
import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The receiving end of chrony's SOCK refclock, as chronyd does it: binds a UNIX datagram socket at the path and
 * takes one {@code struct sock_sample} per datagram. For tools that watch a writer (gpsd, {@link ChronySock})
 * without chronyd, and for bridges.
 *
 * <pre>{@code
 * try (SockReceiver r = SockReceiver.bind(SockOptions.of(Paths.get("/run/chrony.ttyS0.sock")))) {
 *     SockSample s = r.receive(5000);   // null after 5 s without a datagram
 * }
 * }</pre>
 *
 * <p>Unlike chronyd, {@link #bind} refuses a path where something already listens (it would steal that
 * daemon's samples); a socket file nobody listens on is stale, and is replaced, as chronyd does. {@link #close()}
 * removes the socket file. One thread at a time.
 */
public final class SockReceiver implements AutoCloseable {

    /** {@code MSG_TRUNC}: {@code recv} returns a longer datagram's whole length, so its size can be reported. */
    private static final int MSG_TRUNC = 0x20;
    private static final int POLLFD_SIZE = 8;
    /** Room for any datagram a SOCK writer sends, and some. */
    private static final int BUFFER_SIZE = 256;

    private final ShmBackend backend;
    private final SockOptions options;
    private final int fd;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE).order(ByteOrder.nativeOrder());
    private final ByteBuffer pollfd = ByteBuffer.allocateDirect(POLLFD_SIZE).order(ByteOrder.nativeOrder());
    private boolean closed;

    private SockReceiver(ShmBackend backend, SockOptions options, int fd) {
        this.backend = backend;
        this.options = options;
        this.fd = fd;
        pollfd.putInt(0, fd);
        pollfd.putShort(4, ShmBackend.POLLIN);
    }

    /**
     * Binds the path, replacing a stale socket file.
     *
     * @param o the path, layout and backend
     * @return the bound receiver; close it when done
     * @throws NtpdShmException when something listens there already (operation {@code "bind"}, errno
     *                          {@code EADDRINUSE}), or a call fails
     */
    public static SockReceiver bind(SockOptions o) {
        ShmBackend b = ShmBackends.select(o.backend().orElse(null));
        UnixAddress address = new UnixAddress(o.path());
        if (isListening(b, o)) {
            throw new NtpdShmException("bind", -1, 0, Errno.EADDRINUSE, "bind failed for socket "
                    + o.path() + " (backend " + b.name() + "): something already listens there (chronyd with"
                    + " `refclock SOCK " + o.path() + "`, or another monitor); binding it anew would take its samples."
                    + " Stop it, or choose another path.");
        }
        try {
            if (Files.exists(o.path(), LinkOption.NOFOLLOW_LINKS) && Files.readAttributes(o.path(),
                    BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                Files.delete(o.path());  // a stale socket: nothing answered the probe
            }
        } catch (IOException e) {
            throw new NtpdShmException("bind", -1, 0, Errno.EACCES, "cannot remove the stale socket "
                    + o.path() + ": " + e);
        }
        int fd = SockHandle.openSocket(b, o);
        try {
            b.bind(fd, address.buffer, address.length);
        } catch (ErrnoException e) {
            closeQuietly(b, fd);
            throw SockHandle.failure(b, "bind", o.path(), e.errno());
        }
        return new SockReceiver(b, o, fd);
    }

    /**
     * Whether a process listens at the path: a {@code connect} succeeds only to a bound socket, and sends nothing.
     * False when there is no file or only a stale one (ECONNREFUSED).
     *
     * @param o the path and backend
     * @return whether something listens
     */
    public static boolean isListening(SockOptions o) {
        return isListening(ShmBackends.select(o.backend().orElse(null)), o);
    }

    private static boolean isListening(ShmBackend b, SockOptions o) {
        UnixAddress address = new UnixAddress(o.path());
        int probe = SockHandle.openSocket(b, o);
        try {
            b.connect(probe, address.buffer, address.length);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == ENOENT || e.errno() == ECONNREFUSED) {
                return false;
            }
            throw SockHandle.failure(b, "connect", o.path(), e.errno());
        } finally {
            closeQuietly(b, probe);
        }
    }

    private static void closeQuietly(ShmBackend b, int fd) {
        try {
            b.close(fd);
        } catch (ErrnoException ignored) {
            // the descriptor is gone either way
        }
    }

    /** {@return the socket's path} */
    public Path path() {
        return options.path();
    }

    /** {@return the layout datagrams are decoded with} */
    public SockLayout layout() {
        return options.layout();
    }

    /** {@return the backend's name} */
    public String backendName() {
        return backend.name();
    }

    /**
     * Waits for the next datagram.
     *
     * @param timeoutMillis how long to wait; 0 only looks, -1 waits for ever
     * @return the datagram decoded with the layout (see {@link SockSample#isValid()}), or null on timeout
     */
    public SockSample receive(int timeoutMillis) {
        if (closed) {
            throw new IllegalStateException("the SOCK receiver for " + path() + " is closed");
        }
        try {
            pollfd.putShort(6, (short) 0);
            if (backend.poll(pollfd, 1, timeoutMillis) == 0) {
                return null;
            }
            int n = backend.recv(fd, buffer, BUFFER_SIZE, MSG_TRUNC);
            return SockSample.decode(buffer, n, options.layout());
        } catch (ErrnoException e) {
            if (e.errno() == EAGAIN || e.errno() == EINTR) {
                return null;
            }
            throw SockHandle.failure(backend, "recv", path(), e.errno());
        }
    }

    /** Closes the socket and removes its file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(backend, fd);
        try {
            Files.deleteIfExists(options.path());
        } catch (IOException e) {
            throw new NtpdShmException("close", -1, 0, Errno.EACCES, "cannot remove the socket file "
                    + options.path() + ": " + e);
        }
    }
}
