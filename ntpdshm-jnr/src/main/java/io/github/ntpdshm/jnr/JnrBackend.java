package io.github.ntpdshm.jnr;

import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;
import io.github.ntpdshm.spi.Unavailability;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@link ShmBackend} over jnr-ffi's binding of libc's {@code shmget}, {@code shmat}, {@code shmdt} and
 * {@code shmctl}, with {@code errno} saved by {@code @SaveError}. The attached address is mapped once as a direct
 * {@link ByteBuffer} (through jffi's {@code MemoryIO}), so field access costs no native call. Needs Java 11+,
 * {@code com.github.jnr:jnr-ffi} and jffi with its native jar; on Java 22+ run with
 * {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class JnrBackend implements ShmBackend {

    // This class names no jnr-ffi or jffi type, so it loads (and reports why it cannot work) when they are
    // missing: everything that touches them is in JnrLibC, initialised on first use.

    /** Why this backend cannot work here, computed once on first ask. */
    private static final class Availability {
        static final String CAUSE = probe();

        private Availability() {
        }
    }

    /** Creates the backend; it does no native work until first used. */
    public JnrBackend() {
    }

    @Override
    public String name() {
        return "jnr";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.ofNullable(Availability.CAUSE);
    }

    @Override
    public int shmget(int key, long size, int shmflg) throws ErrnoException {
        requireAvailable();
        return JnrLibC.shmget(key, size, shmflg);
    }

    @Override
    public ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException {
        requireAvailable();
        return JnrLibC.shmat(shmid, size, readOnly);
    }

    @Override
    public int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException {
        requireAvailable();
        if (buf != null && !buf.isDirect()) {
            throw new IllegalArgumentException("shmctl needs a direct buffer: the kernel writes into it");
        }
        return JnrLibC.shmctl(shmid, cmd, buf);
    }

    @Override
    public int socket(int domain, int type, int protocol) throws ErrnoException {
        requireAvailable();
        return JnrLibC.socket(domain, type, protocol);
    }

    @Override
    public void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        requireAvailable();
        JnrLibC.bind(fd, direct(addr), addrLen);
    }

    @Override
    public void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        requireAvailable();
        JnrLibC.connect(fd, direct(addr), addrLen);
    }

    @Override
    public int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen)
            throws ErrnoException {
        requireAvailable();
        return JnrLibC.sendto(fd, direct(buf), len, flags, direct(addr), addrLen);
    }

    @Override
    public int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException {
        requireAvailable();
        return JnrLibC.recv(fd, direct(buf), len, flags);
    }

    @Override
    public int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException {
        requireAvailable();
        return JnrLibC.poll(direct(fds), nfds, timeoutMillis);
    }

    @Override
    public void close(int fd) throws ErrnoException {
        requireAvailable();
        JnrLibC.close(fd);
    }

    private static ByteBuffer direct(ByteBuffer b) {
        if (!b.isDirect()) {
            throw new IllegalArgumentException("socket calls need direct buffers: the kernel reads and writes them");
        }
        return b;
    }

    private static void requireAvailable() {
        String cause = Availability.CAUSE;
        if (cause != null) {
            throw new IllegalStateException("the ntpdshm backend 'jnr' cannot work here: " + cause);
        }
    }

    private static String probe() {
        try {
            JnrLibC.link();
            return null;
        } catch (NoClassDefFoundError e) {
            String missing = String.valueOf(e.getMessage());
            if (missing.startsWith("jnr/") || missing.contains("com/kenai/jffi")) {
                return "jnr-ffi is not on the class path; add com.github.jnr:jnr-ffi with com.github.jnr:jffi and"
                        + " its 'native' classifier jar next to ntpdshm-jnr [" + missing + "]";
            }
            return explain(e);
        } catch (LinkageError | RuntimeException e) {
            return explain(e);
        } catch (ClassNotFoundException e) {
            return "the ntpdshm-jnr jar is incomplete [" + Unavailability.firstLine(e) + "]";
        }
    }

    private static String explain(Throwable e) {
        return Unavailability.explain(e, "jnr-ffi", "jffi",
                "jffi's native stub or libc's System V shared-memory calls (check that"
                + " com.github.jnr:jffi:native is on the class path for this OS and CPU, and that java.io.tmpdir"
                + " is writable and not mounted noexec)");
    }
}
