/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.spi;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * The skeleton every built-in backend shares: a name, a priority, the native calls linked once on first use with
 * the reason kept when that fails, and the checks every call makes. A backend is a subclass that says how to
 * {@link #link()} its {@link LibC}, and how to {@link #explain} a failure to link it.
 *
 * <p>A subclass must name no type of its native library, so that it loads, and reports why it cannot work, when
 * that library is missing: everything that touches the library belongs in the {@link LibC} that {@link #link()}
 * returns.
 */
public abstract class NativeBackend implements ShmBackend {

    /** Linked once a backend class, whichever instance asks first. */
    private static final ClassValue<Linked> LINKED = new ClassValue<Linked>() {
        @Override
        protected Linked computeValue(Class<?> type) {
            return new Linked();
        }
    };

    /** The calls, or why there are none. */
    private static final class Linked {
        private volatile boolean done;
        private LibC calls;
        private Throwable cause;

        Linked get(NativeBackend backend) {
            if (!done) {
                synchronized (this) {
                    if (!done) {
                        try {
                            calls = Objects.requireNonNull(backend.link(), "link() returned null");
                        } catch (Unavailability e) {
                            cause = e;
                        } catch (Exception | LinkageError e) {
                            cause = backend.explain(e);
                        }
                        done = true;
                    }
                }
            }
            return this;
        }
    }

    private final String name;
    private final int priority;

    /**
     * A backend; it does no native work until first used.
     *
     * @param name     the name users select it by
     * @param priority its priority, higher first
     */
    protected NativeBackend(String name, int priority) {
        this.name = Objects.requireNonNull(name, "name");
        this.priority = priority;
    }

    /**
     * Loads the native library and binds the calls. Called once a backend class, on the first call that needs
     * them or on the first {@link #unavailabilityCause()}.
     *
     * @return the bound calls
     * @throws Unavailability when the backend cannot work here, with the reason and what to do
     * @throws Exception      anything else linking threw, handed to {@link #explain}
     */
    protected abstract LibC link() throws Exception;

    /**
     * Why linking failed, in a user's words: which library, which jar, what to check.
     *
     * @param linkFailure what {@link #link()} threw (an exception or a {@link LinkageError})
     * @return the reason, with {@code linkFailure} as its cause
     */
    protected abstract Unavailability explain(Throwable linkFailure);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int priority() {
        return priority;
    }

    @Override
    public final Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(LINKED.get(getClass()).get(this).cause);
    }

    /** The calls, or an {@link IllegalStateException} with the reason there are none. */
    private LibC libc() {
        Linked linked = LINKED.get(getClass()).get(this);
        if (linked.calls == null) {
            throw new IllegalStateException("the ntpdshm backend '" + name + "' cannot work here: "
                    + linked.cause.getMessage(), linked.cause);
        }
        return linked.calls;
    }

    @Override
    public final int shmget(int key, long size, int shmflg) throws ErrnoException {
        return libc().shmget(key, size, shmflg);
    }

    @Override
    public final ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException {
        return libc().shmat(shmid, size, readOnly);
    }

    @Override
    public final ShmMemory scratch(int size) {
        return libc().scratch(size);
    }

    @Override
    public final int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException {
        LibC c = libc();
        if (buf != null && !buf.isDirect()) {
            throw new IllegalArgumentException("shmctl needs a direct buffer: the kernel writes into it");
        }
        return c.shmctl(shmid, cmd, buf);
    }

    @Override
    public final int socket(int domain, int type, int protocol) throws ErrnoException {
        return libc().socket(domain, type, protocol);
    }

    @Override
    public final void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        libc().bind(fd, direct(addr), addrLen);
    }

    @Override
    public final void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        libc().connect(fd, direct(addr), addrLen);
    }

    @Override
    public final int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen)
            throws ErrnoException {
        return libc().sendto(fd, direct(buf), len, flags, direct(addr), addrLen);
    }

    @Override
    public final int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException {
        return libc().recv(fd, direct(buf), len, flags);
    }

    @Override
    public final int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException {
        return libc().poll(direct(fds), nfds, timeoutMillis);
    }

    @Override
    public final void close(int fd) throws ErrnoException {
        libc().close(fd);
    }

    private static ByteBuffer direct(ByteBuffer b) {
        if (!b.isDirect()) {
            throw new IllegalArgumentException("socket calls need direct buffers: the kernel reads and writes them");
        }
        return b;
    }

    @Override
    public String toString() {
        return "ntpdshm backend " + name + " (priority " + priority + ")";
    }
}
