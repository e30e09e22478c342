/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.conformance.CPeer;
import io.github.ntpdshm.conformance.OtherUser;
import io.github.ntpdshm.conformance.TestSegments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /proc/sysvipc/shm} disappears under an open handle: a JVM in a private mount namespace (root and
 * {@code unshare} needed) sees a copy of the table bind-mounted over {@code /proc/sysvipc}, opens the unit, then
 * deletes the copy. Without the table nothing says the segment is gone, so the handle must not say EIDRM.
 */
class UnreadableTableTest {
    private static final Path UNSHARE = Paths.get("/usr/bin/unshare");

    @Test
    void aHandleWhoseTableIsGoneSaysSoInsteadOfEidrm(@TempDir Path table) {
        assumeTrue(OtherUser.effectiveUid() == 0 && Files.isExecutable(UNSHARE), "needs root and unshare");
        CPeer.Result may = CPeer.run(Arrays.asList(UNSHARE.toString(), "--mount", "true"), 60);
        assumeTrue(may.exit == 0, () -> "this container may not make a mount namespace: " + may.describe());
        TestSegments segments = new TestSegments();
        try (NtpdShm writer = NtpdShm.open(segments.options(2, "jna").build())) {
            // Under qemu-user this process's executable is qemu: scripts/platforms.sh names the JVM's own launcher.
            String java = System.getProperty("ntpdshm.test.java",
                    ProcessHandle.current().info().command().orElse("java"));
            CPeer.Result r = CPeer.run(Arrays.asList(UNSHARE.toString(), "--mount", "--propagation", "private",
                    "sh", "-c", "cat /proc/sysvipc/shm > \"$0/shm\" && mount --bind \"$0\" /proc/sysvipc && exec \"$@\"",
                    table.toString(), java, "-cp", System.getProperty("java.class.path"), Probe.class.getName(),
                    Integer.toString(segments.keyBase())), 120);
            assertEquals(0, r.exit, r::describe);
            assertTrue(r.stdout.contains("cannot read /proc/sysvipc/shm"), r::describe);
        } finally {
            segments.removeAll();
        }
    }

    /** In the namespace: opens unit 2, deletes the table's copy, asks the handle for its segment. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            ShmOptions o = ShmOptions.builder(2).keyBase(Integer.parseInt(args[0])).backend("jna").create(false)
                    .build();
            try (NtpdShm h = NtpdShm.open(o)) {
                Files.delete(Paths.get("/proc/sysvipc/shm"));
                h.segment();
                System.out.println("segment() found the segment without the table");
                System.exit(2);
            } catch (NtpdShmException e) {
                System.out.println(e.getMessage());
                System.exit(e.errno() == 0 ? 0 : 1);
            }
        }
    }
}
