/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.panama;

import io.github.ntpdshm.spi.LibC;
import io.github.ntpdshm.spi.NativeBackend;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.Unavailability;

/**
 * {@link ShmBackend} over {@code java.lang.foreign}: downcalls to libc's {@code shmget}, {@code shmat},
 * {@code shmdt} and {@code shmctl} with {@code errno} captured by the linker, and the attached address as a
 * {@code MemorySegment}. Needs JDK 22+ and native access ({@code --enable-native-access=ALL-UNNAMED}, on the
 * module path {@code --enable-native-access=io.github.ntpdshm.panama}, or the {@code Enable-Native-Access}
 * manifest entry of an executable jar).
 *
 * <p>This class is compiled for Java 11, so that discovery loads it on any JVM and it says "needs Java 22" by
 * {@link #unavailabilityCause()}; the downcalls are in {@code PanamaLibC}, compiled for 22 and loaded only there.
 */
public final class PanamaBackend extends NativeBackend {

    /** The Java release {@code java.lang.foreign} is final in. */
    private static final int JAVA = 22;

    /** Creates the backend; linking happens on first use. */
    public PanamaBackend() {
        super("panama", 30);
    }

    @Override
    protected LibC link() throws ReflectiveOperationException, Unavailability {
        if (Runtime.version().feature() < JAVA) {
            throw Unavailability.needsJava("Panama", JAVA, "java.lang.foreign");
        }
        // by name: this class file is Java 11's, PanamaLibC's is 22's
        return Class.forName(PanamaBackend.class.getPackageName() + ".PanamaLibC").asSubclass(LibC.class)
                .getDeclaredConstructor().newInstance();
    }

    @Override
    protected Unavailability explain(Throwable e) {
        return Unavailability.explain(e, "java.lang.foreign", "ntpdshm-panama", "libc's System V shared-memory calls");
    }
}
