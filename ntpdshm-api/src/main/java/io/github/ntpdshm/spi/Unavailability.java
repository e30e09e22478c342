/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.spi;

/**
 * Why a backend cannot work in this JVM, as {@link ShmBackend#unavailabilityCause()} returns it: a one-line
 * message that says what is missing and what to do, and as its cause what the JDK or the native library threw.
 * The factories give every backend the same wording for the same trouble.
 */
public final class Unavailability extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * A reason.
     *
     * @param message one line: what is missing, and what to do
     * @param cause   what was thrown, or {@code null}
     */
    public Unavailability(String message, Throwable cause) {
        // where the probe ran says nothing: the message and the cause's trace do
        super(message, cause, false, false);
    }

    /**
     * The reason a backend needs a newer Java than this one.
     *
     * @param backend the backend, e.g. {@code "Panama"}
     * @param feature the Java feature release it needs, e.g. 22
     * @param why     what it uses from that release, e.g. {@code "java.lang.foreign"}
     * @return the reason
     */
    public static Unavailability needsJava(String backend, int feature, String why) {
        return new Unavailability(backend + " needs Java " + feature + " or newer (" + why + "); this is Java "
                + System.getProperty("java.version") + ": run on Java " + feature + "+, or use another backend",
                null);
    }

    /**
     * The reason linking failed: native access denied (JDK 22+ with {@code --illegal-native-access=deny}, the
     * default of a future JDK), a native library that would not load, or anything else.
     *
     * @param e            what linking threw
     * @param library      the library, e.g. {@code "jnr-ffi"}
     * @param nativeCaller the code the JDK sees making the native call (which needs native access), e.g.
     *                     {@code "jffi"} for jnr-ffi
     * @param loadAdvice   what could not be loaded and what to check, used when the root cause is an
     *                     {@link UnsatisfiedLinkError}
     * @return the reason, with {@code e} as its cause
     */
    public static Unavailability explain(Throwable e, String library, String nativeCaller, String loadAdvice) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalCallerException || String.valueOf(t.getMessage()).contains("native access")) {
                return nativeAccessDenied(nativeCaller, e);
            }
        }
        Throwable root = rootCause(e);
        if (root instanceof UnsatisfiedLinkError) {
            return new Unavailability(library + " could not load " + loadAdvice + " [" + firstLine(root) + "]", e);
        }
        return new Unavailability(library + " could not be initialised [" + firstLine(root) + "]", e);
    }

    /**
     * The reason when the JDK denies native access.
     *
     * @param library the code making the native call
     * @param e       what the JDK threw
     * @return the reason, with {@code e} as its cause
     */
    public static Unavailability nativeAccessDenied(String library, Throwable e) {
        Throwable t = e;
        while (!(t instanceof IllegalCallerException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return new Unavailability("native access is denied to " + library + "; run with"
                + " --enable-native-access=ALL-UNNAMED (on the module path: name the module holding " + library
                + "), or add 'Enable-Native-Access: ALL-UNNAMED' to an executable jar's manifest [" + firstLine(t)
                + "]", e);
    }

    /**
     * The reason a library the backend links is missing.
     *
     * @param e      the {@link NoClassDefFoundError} (or other) that says which class is missing
     * @param advice which artifacts to add
     * @return the reason, with {@code e} as its cause
     */
    public static Unavailability missing(Throwable e, String advice) {
        return new Unavailability(advice + " [" + e.getMessage() + "]", e);
    }

    /**
     * The reason as one line, for any throwable a backend may give: the message of an {@code Unavailability},
     * else the first line of its {@code toString()}.
     *
     * @param cause what {@link ShmBackend#unavailabilityCause()} returned
     * @return one line
     */
    public static String reason(Throwable cause) {
        return cause instanceof Unavailability ? cause.getMessage() : firstLine(cause);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The first line of {@code toString()}: some libraries put a whole stack trace in a message. */
    private static String firstLine(Throwable t) {
        String s = t.toString().trim();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).trim();
    }
}
