/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.TestSegments;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every backend on the module path and on the class path: an application module (src/test/probe, compiled
 * here) writes a real segment through each backend and reads it back, in a child JVM started with
 * {@code java --module-path ... --module io.github.ntpdshm.probe/...}, and again with {@code java -cp ...}. On the
 * module path the backends are found by service binding alone (no {@code --add-modules}) and each is its own
 * named module. It runs on the JVM Maven tests with: JNA and JNR on Java 17, all three on 22+, where Panama's
 * provider, found below 22 too, says it needs Java 22.
 */
class ModulePathTest {

    private static final String PROBE = "io.github.ntpdshm.probe/io.github.ntpdshm.probe.Probe";
    private static final boolean PANAMA = Runtime.version().feature() >= 22;

    private static Path probe;
    /** The library jars of this module's test class path: ntpdshm's and what its backends link. */
    private static String libraries;

    private final TestSegments segments = new TestSegments();

    @BeforeAll
    static void compileTheProbe() throws IOException {
        // the test-jar would be an automatic module holding the API's package; JUnit is not the probe's
        libraries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.replace(File.separatorChar, '/').matches(
                        ".*(/test-classes|/ntpdshm-it/target/classes|-tests\\.jar|/org/junit/.*|/org/opentest4j/.*|/org/apiguardian/.*)"))
                .collect(Collectors.joining(File.pathSeparator));
        probe = Files.createTempDirectory("ntpdshm-probe");
        List<String> sources;
        try (Stream<Path> files = Files.walk(Paths.get("src/test/probe"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString)
                    .collect(Collectors.toList());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(Arrays.asList("--release", "11", "-Xlint:all", "-Werror",
                "--module-path", libraries, "-d", probe.toString()));
        args.addAll(sources);
        assertEquals(0, javac.run(null, null, null, args.toArray(new String[0])), "javac " + args);
    }

    @AfterAll
    static void deleteTheProbe() throws IOException {
        try (Stream<Path> files = Files.walk(probe)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    @AfterEach
    void removeSegments() {
        List<ShmSegment> attached = segments.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    @ParameterizedTest
    @ValueSource(strings = {"panama", "jna", "jnr"})
    void onTheModulePathEachBackendIsANamedModuleFoundByServiceBinding(String backend) throws Exception {
        String nativeAccess = "--enable-native-access=io.github.ntpdshm.panama,com.sun.jna,org.jnrproject.jffi";
        if (!PANAMA && backend.equals("panama")) {
            List<String> out = run(nativeAccess, "--module-path", probe + File.pathSeparator + libraries,
                    "--module", PROBE);
            assertCandidates(out, true);
            return;
        }
        List<String> out = run(nativeAccess, "--module-path", probe + File.pathSeparator + libraries,
                "--module", PROBE, backend, Integer.toString(segments.keyBase()), "1");
        assertCandidates(out, true);
        assertWroteAndRead(out, backend);
    }

    @ParameterizedTest
    @ValueSource(strings = {"panama", "jna", "jnr"})
    void onTheClassPathEachBackendIsFoundByItsServicesFile(String backend) throws Exception {
        String main = PROBE.substring(PROBE.indexOf('/') + 1);
        if (!PANAMA && backend.equals("panama")) {
            assertCandidates(run("--enable-native-access=ALL-UNNAMED", "-cp", probe + File.pathSeparator + libraries,
                    main), false);
            return;
        }
        List<String> out = run("--enable-native-access=ALL-UNNAMED", "-cp", probe + File.pathSeparator + libraries,
                main, backend, Integer.toString(segments.keyBase()), "2");
        assertCandidates(out, false);
        assertWroteAndRead(out, backend);
    }

    /** Each backend once, highest priority first, in its own module or the unnamed one; Panama's reason below 22. */
    private static void assertCandidates(List<String> out, boolean modulePath) {
        List<String> candidates = out.stream().filter(l -> l.startsWith("CANDIDATE ")).collect(Collectors.toList());
        assertEquals(3, candidates.size(), String.join("\n", out));
        String[] names = {"panama", "jna", "jnr"};
        for (int i = 0; i < names.length; i++) {
            String module = modulePath ? "io.github.ntpdshm." + names[i] : "null";
            assertTrue(candidates.get(i).startsWith("CANDIDATE " + names[i] + " module=" + module + " cause="),
                    String.join("\n", out));
        }
        String panamaCause = candidates.get(0).substring(candidates.get(0).indexOf(" cause=") + 7);
        assertEquals(!PANAMA, panamaCause.contains("Panama needs Java 22 or newer"), panamaCause);
        assertTrue(PANAMA == panamaCause.isEmpty(), panamaCause);
        assertEquals("", candidates.get(1).substring(candidates.get(1).indexOf(" cause=") + 7));
        assertEquals("", candidates.get(2).substring(candidates.get(2).indexOf(" cause=") + 7));
    }

    private static void assertWroteAndRead(List<String> out, String backend) {
        assertEquals("WROTE " + backend + " READ " + backend + " OK clock=1795000000.123456789"
                + " receive=1795000001.987654321", out.get(out.size() - 1), String.join("\n", out));
    }

    /** Runs this JVM's java with the arguments; its output (stderr merged) must be only the probe's lines. */
    private static List<String> run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung: " + out);
        assertEquals(0, p.exitValue(), cmd + "\n" + out);
        List<String> lines = Arrays.asList(out.split("\n"));
        for (String line : lines) {
            assertTrue(line.startsWith("CANDIDATE ") || line.startsWith("WROTE "), "unexpected output: " + out);
        }
        return lines;
    }
}
