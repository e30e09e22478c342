/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Whether 32-bit x86 peers run natively or under {@code qemu-i386}, decided once per JVM by running a probe.
 *
 * <p>Some kernels have no IA-32 emulation: {@code execve} of an i386 binary fails with ENOEXEC, and the JDK then
 * retries the file as a shell script ({@code Syntax error: "(" unexpected}). qemu-user runs the same binary, System
 * V shared memory included, because its system calls go to the host kernel.
 */
final class I386Runner {

    private static List<String> prefix;

    private I386Runner() {
    }

    /** Empty where the kernel runs i386 binaries, else {@code [qemu-i386]}; says once which it chose when emulating. */
    static synchronized List<String> prefix() {
        if (prefix == null) {
            prefix = Collections.unmodifiableList(decide());
        }
        return prefix;
    }

    private static List<String> decide() {
        Path probe = compileProbe();
        boolean forced = "1".equals(System.getenv(PeerToolchain.EMULATE_I386));
        CPeer.Result direct = null;
        if (!forced) {
            direct = CPeer.run(Collections.singletonList(probe.toString()), 30);
            if (direct.exit == 0 && direct.stdout.trim().equals("i386-ok")) {
                return new ArrayList<>();
            }
        }
        CPeer.Result emulated = CPeer.run(Arrays.asList("qemu-i386", probe.toString()), 60);
        if (emulated.exit != 0 || !emulated.stdout.trim().equals("i386-ok")) {
            throw new IllegalStateException("cannot run 32-bit x86 C peers: "
                    + (direct == null ? "" : "directly: " + direct.describe() + "; ")
                    + "under qemu-i386: " + emulated.describe()
                    + " (apt-get install -y qemu-user; scripts/test.sh installs it)");
        }
        System.err.println("[ntpdshm tests] 32-bit x86 C peers run under qemu-i386: " + (forced
                ? PeerToolchain.EMULATE_I386 + "=1 asks for it"
                : "this kernel cannot execute i386 binaries (" + direct.describe() + ")"));
        return new ArrayList<>(Collections.singletonList("qemu-i386"));
    }

    private static Path compileProbe() {
        try {
            Path dir = Paths.get("target", "cpeer").toAbsolutePath();
            Files.createDirectories(dir);
            Path src = dir.resolve("i386probe.c");
            Files.write(src, "#include <stdio.h>\nint main(void) { puts(\"i386-ok\"); return 0; }\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Path out = dir.resolve("i386probe");
            List<String> cmd = new ArrayList<>(PeerToolchain.I386_GCC);
            cmd.addAll(Arrays.asList("-o", out.toString(), src.toString()));
            CPeer.Result r = CPeer.run(cmd, 60);
            if (r.exit != 0) {
                throw new IllegalStateException("cannot compile a 32-bit x86 probe: " + r.describe()
                        + " (apt-get install -y gcc-i686-linux-gnu libc6-dev-i386-cross; scripts/test.sh installs them)");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the i386 probe under target/cpeer", e);
        }
    }
}
