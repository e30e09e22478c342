package io.github.ntpdshm.api;

import io.github.ntpdshm.spi.ShmBackend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds the {@link ShmBackend}s on the class path and chooses one.
 *
 * <p>The choice: the backend named by {@link ShmOptions.Builder#backend}, else by the system property
 * {@value #PROPERTY}, else the available backend with the highest priority (Panama, then JNA, then JNR). A
 * backend that was named but cannot work is an error that gives its reason; it is never silently replaced.
 * Discovery runs once per class loader; a provider compiled for a newer JDK is recorded as unavailable with
 * that reason instead of breaking discovery.
 */
public final class ShmBackends {

    /** System property naming the backend to use: {@code panama}, {@code jna} or {@code jnr}. */
    public static final String PROPERTY = "ntpdshm.backend";

    /** A backend found on the class path, usable or not. */
    public static final class Candidate {
        private final String name;
        private final int priority;
        private final ShmBackend backend;
        private volatile Optional<String> unavailabilityCause;

        Candidate(String name, int priority, ShmBackend backend, String unavailabilityCause) {
            this.name = name;
            this.priority = priority;
            this.backend = backend;
            this.unavailabilityCause = backend == null ? Optional.of(unavailabilityCause) : null;
        }

        /** The backend's name. */
        public String name() {
            return name;
        }

        /** Its priority; higher is chosen first. */
        public int priority() {
            return priority;
        }

        /** Whether it can work in this JVM. */
        public boolean isAvailable() {
            return !unavailabilityCause().isPresent();
        }

        /**
         * Why it cannot work here, or empty. Asked of the backend on first call only, so that a backend nobody
         * chose never links native code (and never makes the JDK warn about it).
         */
        public Optional<String> unavailabilityCause() {
            Optional<String> cause = unavailabilityCause;
            if (cause == null) {
                try {
                    cause = backend.unavailabilityCause();
                } catch (RuntimeException | LinkageError e) {
                    cause = Optional.of("cannot initialise: " + e);
                }
                unavailabilityCause = cause;
            }
            return cause;
        }

        /** The backend, if it could be loaded at all. */
        public Optional<ShmBackend> backend() {
            return Optional.ofNullable(backend);
        }

        @Override
        public String toString() {
            if (backend == null) {
                return name + ": " + unavailabilityCause().get();
            }
            return name + " (priority " + priority + ")" + unavailabilityCause().map(c -> ": " + c).orElse("");
        }
    }

    private static final class Holder {
        static final List<Candidate> CANDIDATES = discover();
    }

    private ShmBackends() {
    }

    /** Every backend found, usable or not, highest priority first. */
    public static List<Candidate> candidates() {
        return Holder.CANDIDATES;
    }

    /**
     * The backend to use.
     *
     * @param requested a backend name, or {@code null} for the {@value #PROPERTY} property or the best available
     * @throws NtpdShmException if the named backend is missing or cannot work here, or none can
     */
    public static ShmBackend select(String requested) {
        String name = requested;
        String source = "asked for";
        if (name == null || name.trim().isEmpty()) {
            name = System.getProperty(PROPERTY);
            source = "named by -D" + PROPERTY;
        }
        List<Candidate> all = candidates();
        if (name != null && !name.trim().isEmpty()) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            for (Candidate c : all) {
                if (c.name.equals(wanted)) {
                    if (c.isAvailable()) {
                        logChoice(c, all, source + " by name");
                        return c.backend;
                    }
                    throw new NtpdShmException("backend", -1, 0, 0, "the ntpdshm backend '" + wanted + "' " + source
                            + " cannot work here: " + c.unavailabilityCause().get() + ". " + advice(all));
                }
            }
            throw new NtpdShmException("backend", -1, 0, 0, "the ntpdshm backend '" + wanted + "' " + source
                    + " is not on the class path (add io.github.ntpdshm:ntpdshm-" + wanted + "). " + advice(all));
        }
        for (Candidate c : all) {
            if (c.isAvailable()) {
                logChoice(c, all, "the highest priority that works here");
                return c.backend;
            }
        }
        throw new NtpdShmException("backend", -1, 0, 0, "no usable ntpdshm backend. " + advice(all));
    }

    private static final System.Logger LOG = System.getLogger(ShmBackends.class.getName());
    private static final java.util.Set<String> LOGGED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Which backend was chosen and why the others were not, at DEBUG, once per choice: --verbose shows it. */
    private static void logChoice(Candidate chosen, List<Candidate> all, String why) {
        if (!LOG.isLoggable(System.Logger.Level.DEBUG) || !LOGGED.add(chosen.name + why)) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "backend " + chosen.name + " (priority " + chosen.priority + ") chosen: "
                + why);
        for (Candidate c : all) {
            if (c != chosen) {
                LOG.log(System.Logger.Level.DEBUG, "backend " + c.name + " (priority " + c.priority + ") "
                        + c.unavailabilityCause().map(r -> "skipped: " + r).orElse("available, not chosen"));
            }
        }
    }

    private static String advice(List<Candidate> all) {
        String found = all.isEmpty() ? "none" : all.stream().map(Candidate::toString).collect(Collectors.joining("; "));
        return "Found: " + found + ". Add io.github.ntpdshm:ntpdshm-panama (Java 22+, run with"
                + " --enable-native-access=ALL-UNNAMED), ntpdshm-jna or ntpdshm-jnr (Java 11+) to the class path.";
    }

    private static List<Candidate> discover() {
        List<Candidate> found = new ArrayList<>();
        ClassLoader loader = ShmBackends.class.getClassLoader();
        Iterator<ShmBackend> it = ServiceLoader.load(ShmBackend.class, loader).iterator();
        // A provider compiled for a newer JDK makes hasNext() or next() throw; note it and carry on.
        for (int guard = 0; guard < 64; guard++) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                ShmBackend b = it.next();
                String name = b.name();
                if (found.stream().anyMatch(c -> c.name.equals(name))) {
                    continue;
                }
                found.add(new Candidate(name, b.priority(), b, null));
            } catch (ServiceConfigurationError | LinkageError e) {
                found.add(unloadable(e));
            }
        }
        found.sort(Comparator.comparingInt(Candidate::priority).reversed());
        return Collections.unmodifiableList(found);
    }

    private static Candidate unloadable(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = String.valueOf(e.getMessage()) + " " + root;
        String name = "unknown";
        for (String n : new String[] {"panama", "jna", "jnr"}) {
            // class names appear dotted in ServiceConfigurationError, slashed in UnsupportedClassVersionError
            if (text.contains(".ntpdshm." + n + ".") || text.contains("/ntpdshm/" + n + "/")) {
                name = n;
            }
        }
        String cause;
        if (root instanceof UnsupportedClassVersionError) {
            cause = "needs a newer Java than this one (" + System.getProperty("java.version") + ")"
                    + (name.equals("panama") ? ": Panama needs Java 22 or newer" : "") + " [" + root.getMessage() + "]";
        } else {
            cause = "could not be loaded: " + root;
        }
        return new Candidate(name, Integer.MIN_VALUE, null, cause);
    }
}
