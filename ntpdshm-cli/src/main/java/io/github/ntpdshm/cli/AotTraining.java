/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmOptions;
import picocli.CommandLine.Command;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * The training run of the JVM's ahead-of-time cache (JDK 25+), not for people: the launcher runs it once per jar and
 * JDK with {@code -XX:AOTCacheOutput} and discards its output, and later runs of {@code list}, {@code dump} and
 * {@code doctor} start from the classes, links and profiles it recorded. It runs those commands, in this JVM, on one
 * scratch segment under a private key base, which it removes at the end; the real units are not touched.
 */
@Command(name = "aot-training", addMethodSubcommands = false, hidden = true, description = "Internal: the training run of the launcher's AOT cache.")
final class AotTraining implements Callable<Integer> {

    /** A key base of 256 keys away from ntpd's (0x4e545030), different for each training process. */
    static int scratchKeyBase() {
        return 0x4e5a0000 | (int) ((ProcessHandle.current().pid() & 0xff) << 8);
    }

    @Override
    public Integer call() {
        int keyBase = scratchKeyBase();
        String base = Fmt.hex(keyBase);
        ShmOptions unit0 = ShmOptions.builder(0).keyBase(keyBase).build();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(nowhere);
        System.setErr(nowhere);
        try {
            try (NtpdShm writer = NtpdShm.open(unit0)) {
                Instant now = Instant.now();
                writer.update(now.minusSeconds(1), now);
            } catch (NtpdShmException e) {
                // no scratch segment (no SysV IPC here, or a limit reached): train the commands on an empty key base
            }
            Main.execute("list", "--key-base", base);
            Main.execute("list", "--json", "--key-base", base);
            Main.execute("dump", "--unit", "0", "--key-base", base);
            Main.execute("doctor", "--watch", "0", "--key-base", base);
            Main.execute("doctor", "--json", "--watch", "0", "--key-base", base);
            Main.execute("list", "--no-such-option");
        } finally {
            NtpdShm.remove(unit0);
            System.setOut(out);
            System.setErr(err);
        }
        return 0;
    }
}
