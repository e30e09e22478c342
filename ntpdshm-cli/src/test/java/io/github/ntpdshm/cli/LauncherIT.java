/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.TestSegments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher script (src/main/sh/ntpdshm): its start-up caches change nothing in what the commands print. */
class LauncherIT {

    private static final Path LAUNCHER = Paths.get("src", "main", "sh", "ntpdshm").toAbsolutePath();

    private final TestSegments segs = new TestSegments();
    private final String kb = "0x" + Integer.toHexString(segs.keyBase());

    @AfterEach
    void cleanup() {
        List<ShmSegment> attached = segs.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    /** Runs the launcher with its cache in {@code cache}. */
    private static Jar.Result launch(Path cache, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(Arrays.asList("env", "XDG_CACHE_HOME=" + cache, "sh", LAUNCHER.toString()));
        cmd.addAll(Arrays.asList(args));
        return Jar.start(cmd, null).await(120);
    }

    /** The feature version of the JDK the launcher picks. */
    private static int launcherJavaFeature(Path cache) throws Exception {
        Jar.Result r = Jar.start(Arrays.asList("env", "NTPDSHM_PRINT_JAVA=1", "XDG_CACHE_HOME=" + cache, "sh",
                LAUNCHER.toString()), null).await(30);
        Path release = Paths.get(r.out.get(0)).toAbsolutePath().getParent().getParent().resolve("release");
        for (String line : Files.readAllLines(release)) {
            if (line.startsWith("JAVA_VERSION=\"")) {
                return Integer.parseInt(line.substring(14).split("[.\"]")[0]);
            }
        }
        throw new AssertionError("no JAVA_VERSION in " + release);
    }

    private static List<String> cacheFiles(Path cache) throws Exception {
        Path dir = cache.resolve("ntpdshm");
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** list's age column, which moves on between runs. */
    private static String withoutAge(String list) {
        return list.replaceAll(" +[0-9]+\\.[0-9]+ s ", " AGE ");
    }

    @Test
    void theFirstRunMakesTheCacheAndEveryRunPrintsTheSame() throws Exception {
        Path cache = Files.createTempDirectory(Paths.get("target"), "launcher-cache").toAbsolutePath();
        try (NtpdShm w = NtpdShm.open(segs.options(1, "panama").layout(ShmLayout.LP64).build())) {
            w.update(Instant.ofEpochSecond(1_700_000_000L), Instant.ofEpochSecond(1_700_000_001L));
            Jar.Result first = launch(cache, "list", "--key-base", kb);
            assertEquals(0, first.exit, first.toString());
            assertEquals("", first.stderr(), "the first run, which trains the cache, prints nothing more: " + first);
            assertTrue(first.stdout().contains(segs.hexKey(1)), first.toString());

            List<String> files = cacheFiles(cache);
            String expected = launcherJavaFeature(cache) >= 25 ? ".aot" : ".jsa";
            assertTrue(files.size() == 1 && files.get(0).endsWith(expected), "the cache folder holds one " + expected
                    + " file: " + files);

            Jar.Result second = launch(cache, "list", "--key-base", kb);
            assertEquals(0, second.exit, second.toString());
            assertEquals("", second.stderr(), second.toString());
            assertEquals(withoutAge(first.stdout()), withoutAge(second.stdout()));
            assertEquals(files, cacheFiles(cache), "a later run keeps the cache as it is");
        }
        // the training run worked on a scratch segment of its own, and removed it
        for (ShmSegment s : ShmSegment.list()) {
            assertFalse((s.key() & 0xffff0000) == 0x4e5a0000, "the training run left a segment behind: " + s);
        }
        try (Stream<Path> files = Files.walk(cache)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theTrainingCommandIsHiddenFromHelp() throws Exception {
        Jar.Result help = Jar.run("--help");
        assertEquals(0, help.exit, help.toString());
        assertFalse(help.stdout().contains("aot-training"), help.toString());
    }
}
