/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.jna;

import io.github.ntpdshm.spi.LibC;
import io.github.ntpdshm.spi.NativeBackend;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.Unavailability;

import java.nio.ByteBuffer;

/**
 * {@link ShmBackend} over JNA's direct mapping of libc's {@code shmget}, {@code shmat}, {@code shmdt} and
 * {@code shmctl}, with {@code errno} from {@code LastErrorException}. The attached address is mapped once as a
 * direct {@link ByteBuffer}, so field access costs no native call. Needs Java 11+ and
 * {@code net.java.dev.jna:jna}; on Java 22+ run with {@code --enable-native-access=ALL-UNNAMED} (on the module
 * path, {@code --enable-native-access=com.sun.jna}).
 */
public final class JnaBackend extends NativeBackend {

    // This class names no JNA type, so it loads (and reports why it cannot work) when JNA is missing:
    // everything that touches JNA is in JnaLibC.

    /** Creates the backend; it does no native work until first used. */
    public JnaBackend() {
        super("jna", 20);
    }

    @Override
    protected LibC link() {
        return JnaLibC.link();
    }

    @Override
    protected Unavailability explain(Throwable e) {
        if (e instanceof NoClassDefFoundError && String.valueOf(e.getMessage()).contains("com/sun/jna")) {
            return Unavailability.missing(e, "JNA is not on the class path; add net.java.dev.jna:jna (5.x) next to"
                    + " ntpdshm-jna");
        }
        return Unavailability.explain(e, "JNA", "JNA",
                "its native library or libc's System V shared-memory calls (check that the"
                + " jna jar matches this OS and CPU, and that jna.tmpdir/java.io.tmpdir is writable and not"
                + " mounted noexec)");
    }
}
