/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.spi;

/**
 * One-line reasons why a backend cannot work, for {@link ShmBackend#unavailabilityCause()}: the same wording
 * for every backend when native access is denied or a native library cannot be loaded.
 */
public final class Unavailability {

    private Unavailability() {
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
     * @return one line, without a stack trace
     */
    public static String explain(Throwable e, String library, String nativeCaller, String loadAdvice) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalCallerException || String.valueOf(t.getMessage()).contains("native access")) {
                return nativeAccessDenied(nativeCaller, t);
            }
        }
        Throwable root = rootCause(e);
        if (root instanceof UnsatisfiedLinkError) {
            return library + " could not load " + loadAdvice + " [" + firstLine(root) + "]";
        }
        return library + " could not be initialised [" + firstLine(root) + "]";
    }

    /**
     * The reason when the JDK denies native access.
     *
     * @param library the code making the native call
     * @param t       what the JDK threw
     * @return one line, with what to do
     */
    public static String nativeAccessDenied(String library, Throwable t) {
        return "native access is denied to " + library + "; run with --enable-native-access=ALL-UNNAMED (or name the"
                + " module holding " + library + "), or add 'Enable-Native-Access: ALL-UNNAMED' to an executable"
                + " jar's manifest [" + firstLine(t) + "]";
    }

    /**
     * The innermost cause.
     *
     * @param e a throwable
     * @return its innermost cause, or itself
     */
    public static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /**
     * The first line of a throwable's {@code toString()}: some libraries put a whole stack trace in a message, and
     * a reason is one line.
     *
     * @param t a throwable
     * @return its first line
     */
    public static String firstLine(Throwable t) {
        String s = t.toString().trim();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).trim();
    }
}
