/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.jnr;

import io.github.ntpdshm.spi.LibC;
import io.github.ntpdshm.spi.NativeBackend;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.Unavailability;

import java.nio.ByteBuffer;

/**
 * {@link ShmBackend} over jnr-ffi's binding of libc's {@code shmget}, {@code shmat}, {@code shmdt} and
 * {@code shmctl}, with {@code errno} saved by {@code @SaveError}. The attached address is mapped once as a direct
 * {@link ByteBuffer} (through jffi's {@code MemoryIO}), so field access costs no native call. Needs Java 11+,
 * {@code com.github.jnr:jnr-ffi} and jffi with its native jar; on Java 22+ run with
 * {@code --enable-native-access=ALL-UNNAMED} (on the module path, {@code --enable-native-access=org.jnrproject.jffi}).
 */
public final class JnrBackend extends NativeBackend {

    // This class names no jnr-ffi or jffi type, so it loads (and reports why it cannot work) when they are
    // missing: everything that touches them is in JnrLibC.

    /** Creates the backend; it does no native work until first used. */
    public JnrBackend() {
        super("jnr", 10);
    }

    @Override
    protected LibC link() {
        return JnrLibC.link();
    }

    @Override
    protected Unavailability explain(Throwable e) {
        String missing = String.valueOf(e.getMessage());
        if (e instanceof NoClassDefFoundError && (missing.startsWith("jnr/") || missing.contains("com/kenai/jffi"))) {
            return Unavailability.missing(e, "jnr-ffi is not on the class path; add com.github.jnr:jnr-ffi with"
                    + " com.github.jnr:jffi and its 'native' classifier jar next to ntpdshm-jnr");
        }
        return Unavailability.explain(e, "jnr-ffi", "jffi",
                "jffi's native stub or libc's System V shared-memory calls (check that"
                + " com.github.jnr:jffi:native is on the class path for this OS and CPU, and that java.io.tmpdir"
                + " is writable and not mounted noexec)");
    }
}
