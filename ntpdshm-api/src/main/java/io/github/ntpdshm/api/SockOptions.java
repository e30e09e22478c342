package io.github.ntpdshm.api;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How to open chrony's SOCK refclock path, as a writer ({@link ChronySock#open(SockOptions)}) or as a receiver
 * ({@link SockReceiver#bind(SockOptions)}): the path, the datagram layout, the backend, and where a writer
 * reports a missing listener or a full socket buffer. Immutable; build one with {@link #builder(Path)}.
 *
 * <pre>{@code
 * SockOptions o = SockOptions.builder(Paths.get("/run/chrony.gps.sock")).layout(SockLayout.TIME32).build();
 * }</pre>
 */
public final class SockOptions {

    private final Path path;
    private final SockLayout layout;
    private final String backend;
    private final Consumer<NtpdShmException> onProblem;

    private SockOptions(Builder b) {
        this.path = b.path;
        this.layout = b.layout == null ? SockLayout.platform() : b.layout;
        this.backend = b.backend;
        this.onProblem = b.onProblem == null ? SockOptions::log : b.onProblem;
    }

    /** Options for this path with every default. */
    public static SockOptions of(Path path) {
        return builder(path).build();
    }

    /** A builder for this path (chrony.conf's {@code refclock SOCK PATH}). */
    public static Builder builder(Path path) {
        return new Builder(path);
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    /** The datagram layout: the one asked for, else this platform's. */
    public SockLayout layout() {
        return layout;
    }

    /** The backend asked for, if any. */
    public Optional<String> backend() {
        return Optional.ofNullable(backend);
    }

    /** Where a writer reports a missing listener or a full buffer, once per episode. */
    public Consumer<NtpdShmException> onProblem() {
        return onProblem;
    }

    private static void log(NtpdShmException e) {
        System.getLogger("io.github.ntpdshm.sock").log(Level.WARNING, e.getMessage());
    }

    @Override
    public String toString() {
        return "SockOptions[path=" + path + " layout=" + layout.name() + (backend != null ? " backend=" + backend : "")
                + "]";
    }

    /** Builds {@link SockOptions}. */
    public static final class Builder {
        private final Path path;
        private SockLayout layout;
        private String backend;
        private Consumer<NtpdShmException> onProblem;

        private Builder(Path path) {
            this.path = Objects.requireNonNull(path, "path");
        }

        /** The receiver's {@code struct sock_sample} size (default: this platform's); chronyd takes only its own. */
        public Builder layout(SockLayout layout) {
            this.layout = Objects.requireNonNull(layout, "layout");
            return this;
        }

        /** Names the backend ({@code panama}, {@code jna}, {@code jnr}); default: the best available. */
        public Builder backend(String name) {
            this.backend = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Receives what a writer could not deliver, once per episode: nothing listens at the path (ENOENT,
         * ECONNREFUSED: chronyd not started yet, or restarting) or its buffer is full (EAGAIN: chronyd stopped
         * reading). Called again only after a sample got through. Default: a WARNING on the
         * {@code io.github.ntpdshm.sock} {@link System.Logger}.
         */
        public Builder onProblem(Consumer<NtpdShmException> listener) {
            this.onProblem = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The options. */
        public SockOptions build() {
            new UnixAddress(path);  // checks the path's length now, not at the first sample
            return new SockOptions(this);
        }
    }
}
