/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The C baseline (src/main/c/shmbaseline.c) on its own SysV segment: each loop does its operation {@code n} times
 * in C. Reached through java.lang.foreign, so only on JDK 22+; the implementation is compiled separately for 22
 * and loaded by name, which keeps this module's other classes runnable on 17.
 */
public interface CBaseline extends AutoCloseable {

    /** Where the library is looked for unless this system property names it. */
    String LIBRARY_PROPERTY = "ntpdshm.bench.clib";

    /** gpsd's store-and-fence sequence with given time stamps, {@code n} times. */
    long storeLoop(long n);

    /** clock_gettime(CLOCK_REALTIME), then the sequence, {@code n} times. */
    long clockStoreLoop(long n);

    /** clock_gettime(CLOCK_REALTIME) alone, {@code n} times. */
    long clockLoop(long n);

    /** ntpd's read (valid, count, fence, copy, fence, count) without clearing valid, {@code n} times. */
    long readLoop(long n);

    /** shmget, shmctl(IPC_STAT), shmat and shmdt of the existing segment, {@code n} times. */
    long openCloseLoop(long n);

    /** Detaches and removes the segment. */
    @Override
    void close();

    /**
     * Attaches the C baseline to a new segment for {@code key}.
     *
     * @throws UnsupportedOperationException with the reason when this JVM or build cannot run it
     */
    static CBaseline open(int key) {
        if (Runtime.version().feature() < 22) {
            throw new UnsupportedOperationException("the C baseline is called through java.lang.foreign, which needs"
                    + " JDK 22+; this is " + Runtime.version() + ". Run it on JDK 22+ or leave CBaselineBenchmark out"
                    + " (-e CBaselineBenchmark)");
        }
        Path lib = library();
        if (!lib.toFile().isFile()) {
            throw new UnsupportedOperationException("the C baseline library " + lib + " is missing: it is built by"
                    + " `mvn package` where /usr/bin/gcc exists (install gcc), or name it with -D" + LIBRARY_PROPERTY);
        }
        try {
            Class<?> impl = Class.forName("io.github.ntpdshm.bench.PanamaCBaseline");
            return (CBaseline) impl.getConstructor(Path.class, int.class).newInstance(lib, key);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the C baseline's Panama glue: " + e, e);
        }
    }

    /** {@value #LIBRARY_PROPERTY}, else libshmbaseline.so in the folder that holds benchmarks.jar (target/). */
    static Path library() {
        String named = System.getProperty(LIBRARY_PROPERTY);
        if (named != null) {
            return Paths.get(named);
        }
        try {
            File code = new File(CBaseline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // benchmarks.jar -> target/; target/classes/ -> target/
            return code.getAbsoluteFile().toPath().getParent().resolve("libshmbaseline.so");
        } catch (URISyntaxException | RuntimeException e) {
            return Paths.get("ntpdshm-bench/target/libshmbaseline.so");
        }
    }
}
