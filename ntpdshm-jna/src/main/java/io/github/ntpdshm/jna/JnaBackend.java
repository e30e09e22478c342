package io.github.ntpdshm.jna;

import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;
import io.github.ntpdshm.spi.Unavailability;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@link ShmBackend} over JNA's direct mapping of libc's {@code shmget}, {@code shmat}, {@code shmdt} and
 * {@code shmctl}, with {@code errno} from {@code LastErrorException}. The attached address is mapped once as a
 * direct {@link ByteBuffer}, so field access costs no native call. Needs Java 11+ and
 * {@code net.java.dev.jna:jna}; on Java 22+ run with {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class JnaBackend implements ShmBackend {

    // This class names no JNA type, so it loads (and reports why it cannot work) when JNA is missing:
    // everything that touches JNA is in JnaLibC, initialised on first use.

    /** Why this backend cannot work here, computed once on first ask. */
    private static final class Availability {
        static final String CAUSE = probe();

        private Availability() {
        }
    }

    /** Creates the backend; it does no native work until first used. */
    public JnaBackend() {
    }

    @Override
    public String name() {
        return "jna";
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return Optional.ofNullable(Availability.CAUSE);
    }

    @Override
    public int shmget(int key, long size, int shmflg) throws ErrnoException {
        requireAvailable();
        return JnaLibC.shmget(key, size, shmflg);
    }

    @Override
    public ShmMemory shmat(int shmid, int size, boolean readOnly) throws ErrnoException {
        requireAvailable();
        return JnaLibC.shmat(shmid, size, readOnly);
    }

    @Override
    public int shmctl(int shmid, int cmd, ByteBuffer buf) throws ErrnoException {
        requireAvailable();
        if (buf != null && !buf.isDirect()) {
            throw new IllegalArgumentException("shmctl needs a direct buffer: the kernel writes into it");
        }
        return JnaLibC.shmctl(shmid, cmd, buf);
    }

    @Override
    public int socket(int domain, int type, int protocol) throws ErrnoException {
        requireAvailable();
        return JnaLibC.socket(domain, type, protocol);
    }

    @Override
    public void bind(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        requireAvailable();
        JnaLibC.bind(fd, direct(addr), addrLen);
    }

    @Override
    public void connect(int fd, ByteBuffer addr, int addrLen) throws ErrnoException {
        requireAvailable();
        JnaLibC.connect(fd, direct(addr), addrLen);
    }

    @Override
    public int sendto(int fd, ByteBuffer buf, int len, int flags, ByteBuffer addr, int addrLen)
            throws ErrnoException {
        requireAvailable();
        return JnaLibC.sendto(fd, direct(buf), len, flags, direct(addr), addrLen);
    }

    @Override
    public int recv(int fd, ByteBuffer buf, int len, int flags) throws ErrnoException {
        requireAvailable();
        return JnaLibC.recv(fd, direct(buf), len, flags);
    }

    @Override
    public int poll(ByteBuffer fds, int nfds, int timeoutMillis) throws ErrnoException {
        requireAvailable();
        return JnaLibC.poll(direct(fds), nfds, timeoutMillis);
    }

    @Override
    public void close(int fd) throws ErrnoException {
        requireAvailable();
        JnaLibC.close(fd);
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
            throw new IllegalStateException("the ntpdshm backend 'jna' cannot work here: " + cause);
        }
    }

    private static String probe() {
        try {
            JnaLibC.link();
            return null;
        } catch (NoClassDefFoundError e) {
            if (String.valueOf(e.getMessage()).contains("com/sun/jna")) {
                return "JNA is not on the class path; add net.java.dev.jna:jna (5.x) next to ntpdshm-jna ["
                        + e.getMessage() + "]";
            }
            return explain(e);
        } catch (LinkageError | RuntimeException e) {
            return explain(e);
        } catch (ClassNotFoundException e) {
            return "the ntpdshm-jna jar is incomplete [" + Unavailability.firstLine(e) + "]";
        }
    }

    private static String explain(Throwable e) {
        return Unavailability.explain(e, "JNA", "JNA",
                "its native library or libc's System V shared-memory calls (check that the"
                + " jna jar matches this OS and CPU, and that jna.tmpdir/java.io.tmpdir is writable and not"
                + " mounted noexec)");
    }
}
