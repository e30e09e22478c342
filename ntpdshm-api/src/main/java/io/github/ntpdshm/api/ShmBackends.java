/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.Unavailability;

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
 * Discovery runs once per class loader, on the class path and the module path; a backend that cannot work here
 * says why by its {@link ShmBackend#unavailabilityCause()}, and a provider that cannot even be instantiated is
 * named in the error instead of breaking discovery.
 */
public final class ShmBackends {

    /** System property naming the backend to use: {@code panama}, {@code jna} or {@code jnr}. */
    public static final String PROPERTY = "ntpdshm.backend";

    /** A backend found on the class path or the module path, usable or not. */
    public static final class Candidate {
        private final ShmBackend backend;
        private volatile Optional<Throwable> unavailabilityCause;

        Candidate(ShmBackend backend) {
            this.backend = backend;
        }

        /** {@return the backend's name} */
        public String name() {
            return backend.name();
        }

        /** {@return its priority; higher is chosen first} */
        public int priority() {
            return backend.priority();
        }

        /** {@return whether it can work in this JVM} */
        public boolean isAvailable() {
            return !unavailabilityCause().isPresent();
        }

        /**
         * Why it cannot work here, or empty: the backend's {@link ShmBackend#unavailabilityCause()}, whose
         * message is one line for a user and whose cause is what the JDK or the library threw. Asked of the
         * backend on first call only, so that a backend nobody chose never links native code (and never makes
         * the JDK warn about it).
         *
         * @return the reason, or empty
         */
        public Optional<Throwable> unavailabilityCause() {
            Optional<Throwable> cause = unavailabilityCause;
            if (cause == null) {
                try {
                    cause = backend.unavailabilityCause();
                } catch (RuntimeException | LinkageError e) {
                    cause = Optional.of(new Unavailability("cannot initialise: " + e, e));
                }
                unavailabilityCause = cause;
            }
            return cause;
        }

        /** {@return the backend} */
        public ShmBackend backend() {
            return backend;
        }

        @Override
        public String toString() {
            return name() + " (priority " + priority() + ")"
                    + unavailabilityCause().map(c -> ": " + Unavailability.reason(c)).orElse("");
        }
    }

    private static final class Holder {
        /** Providers that could not even be instantiated (a broken jar, a third party's bug): said in errors. */
        static final List<Throwable> BROKEN = new ArrayList<>();
        static final List<Candidate> CANDIDATES = discover(BROKEN);
    }

    private ShmBackends() {
    }

    /** {@return every backend found, usable or not, each name once, highest priority first} */
    public static List<Candidate> candidates() {
        return Holder.CANDIDATES;
    }

    /**
     * The backend to use.
     *
     * @param requested a backend name, or {@code null} for the {@value #PROPERTY} property or the best available
     * @return the named backend, or the available one with the highest priority
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
                if (c.name().equals(wanted)) {
                    if (c.isAvailable()) {
                        logChoice(c, all, source + " by name");
                        return c.backend();
                    }
                    throw new NtpdShmException("backend", -1, 0, 0, "the ntpdshm backend '" + wanted + "' " + source
                            + " cannot work here: " + Unavailability.reason(c.unavailabilityCause().get()) + ". "
                            + advice(all));
                }
            }
            throw new NtpdShmException("backend", -1, 0, 0, "the ntpdshm backend '" + wanted + "' " + source
                    + " is not on the class path or the module path (add io.github.ntpdshm:ntpdshm-" + wanted + "). "
                    + advice(all));
        }
        for (Candidate c : all) {
            if (c.isAvailable()) {
                logChoice(c, all, "the highest priority that works here");
                return c.backend();
            }
        }
        throw new NtpdShmException("backend", -1, 0, 0, "no usable ntpdshm backend. " + advice(all));
    }

    private static final System.Logger LOG = System.getLogger(ShmBackends.class.getName());
    private static final java.util.Set<String> LOGGED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Which backend was chosen and why the others were not, at DEBUG, once per choice: --verbose shows it. */
    private static void logChoice(Candidate chosen, List<Candidate> all, String why) {
        if (!LOG.isLoggable(System.Logger.Level.DEBUG) || !LOGGED.add(chosen.name() + why)) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "backend " + chosen + " chosen: " + why);
        for (Candidate c : all) {
            if (c != chosen) {
                LOG.log(System.Logger.Level.DEBUG, "backend " + c.name() + " (priority " + c.priority() + ") "
                        + c.unavailabilityCause().map(r -> "skipped: " + Unavailability.reason(r))
                                .orElse("available, not chosen"));
            }
        }
        for (Throwable b : Holder.BROKEN) {
            LOG.log(System.Logger.Level.DEBUG, "a backend could not be instantiated: " + b);
        }
    }

    private static String advice(List<Candidate> all) {
        String found = all.isEmpty() ? "none" : all.stream().map(Candidate::toString).collect(Collectors.joining("; "));
        String broken = Holder.BROKEN.isEmpty() ? "" : " Providers that could not be instantiated: "
                + Holder.BROKEN.stream().map(Unavailability::reason).collect(Collectors.joining("; ")) + ".";
        return "Found: " + found + "." + broken + " Add io.github.ntpdshm:ntpdshm-panama (Java 22+, run with"
                + " --enable-native-access=ALL-UNNAMED), ntpdshm-jna or ntpdshm-jnr (Java 11+) to the class path or the module path.";
    }

    private static List<Candidate> discover(List<Throwable> broken) {
        List<Candidate> found = new ArrayList<>();
        Iterator<ShmBackend> it = ServiceLoader.load(ShmBackend.class, ShmBackends.class.getClassLoader()).iterator();
        // A provider that cannot be instantiated makes hasNext() or next() throw; note it and carry on. Every
        // built-in provider loads on Java 11 and says by unavailabilityCause() when it cannot work.
        for (int guard = 0; guard < 64; guard++) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                ShmBackend b = it.next();
                // the same backend twice (a jar on both paths, or inside a fat jar too) is listed once
                if (found.stream().noneMatch(c -> c.name().equals(b.name()))) {
                    found.add(new Candidate(b));
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                broken.add(e);
            }
        }
        found.sort(Comparator.comparingInt(Candidate::priority).reversed());
        return Collections.unmodifiableList(found);
    }
}
