/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs target/ntpdshm.jar as a process with the java of the JVM running the tests (the toolchain's JDK 22+). */
final class Jar {

    static final Path JAR = Paths.get(System.getProperty("ntpdshm.jar", "target/ntpdshm.jar")).toAbsolutePath();
    static final Path JAVA = Paths.get(System.getProperty("java.home"), "bin", "java");

    private Jar() {
    }

    /** A finished run. */
    static final class Result {
        final int exit;
        final List<String> out;
        final List<String> err;

        Result(int exit, List<String> out, List<String> err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        String stdout() {
            return String.join("\n", out);
        }

        String stderr() {
            return String.join("\n", err);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
        }
    }

    /** A running process whose output goes to files. */
    static final class Running {
        final Process process;
        final Path out;
        final Path err;

        Running(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        List<String> outLines() {
            return lines(out);
        }

        /** Waits until at least n stdout lines match. */
        List<String> awaitLines(Pattern p, int n, long timeoutMillis) throws InterruptedException {
            long end = System.currentTimeMillis() + timeoutMillis;
            while (true) {
                List<String> hits = new ArrayList<>();
                for (String l : outLines()) {
                    if (p.matcher(l).matches()) {
                        hits.add(l);
                    }
                }
                if (hits.size() >= n) {
                    return hits;
                }
                if (System.currentTimeMillis() > end || !process.isAlive() && hits.size() < n) {
                    if (!process.isAlive()) {
                        Thread.sleep(50);
                    }
                    fail("expected " + n + " lines matching " + p + "; got:\n" + String.join("\n", outLines())
                            + "\n--- stderr\n" + String.join("\n", lines(err)));
                }
                Thread.sleep(20);
            }
        }

        Result await(long timeoutSeconds) throws InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the jar did not end within " + timeoutSeconds + " s; output:\n" + String.join("\n", outLines()));
            }
            return new Result(process.exitValue(), lines(out), lines(err));
        }

        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static List<String> command(List<String> prefix, Path jar, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(Arrays.asList(JAVA.toString(), "-XX:-UsePerfData", "-jar", jar.toString()));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** Where each run's stdout and stderr go: in the build directory, so that runs leave nothing in /tmp. */
    private static final Path RUNS = java.nio.file.Paths.get("target", "cli-runs").toAbsolutePath();

    static Running start(List<String> cmd, Path dir) throws IOException {
        Files.createDirectories(RUNS);
        Path out = Files.createTempFile(RUNS, "out", ".txt");
        Path err = Files.createTempFile(RUNS, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        return new Running(pb.start(), out, err);
    }

    static Running start(String... args) throws IOException {
        return start(command(new ArrayList<>(), JAR, args), null);
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return start(args).await(60);
    }

    /** Runs as user nobody (uid/gid 65534, no groups) with a copy of the jar that nobody may read. */
    static Result runAsNobody(String... args) throws IOException, InterruptedException {
        Path dir = nobodyDir();
        List<String> prefix = Arrays.asList("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        return start(command(prefix, dir.resolve("ntpdshm.jar"), args), dir).await(60);
    }

    private static Path nobodyDir;

    private static synchronized Path nobodyDir() throws IOException {
        if (nobodyDir == null) {
            Path dir = Files.createTempDirectory("ntpdshm-nobody");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path jar = Files.copy(JAR, dir.resolve("ntpdshm.jar"));
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            dir.toFile().deleteOnExit();
            jar.toFile().deleteOnExit();
            nobodyDir = dir;
        }
        return nobodyDir;
    }

    static List<String> lines(Path p) {
        try {
            String s = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            for (String l : s.split("\n", -1)) {
                out.add(l);
            }
            if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
                out.remove(out.size() - 1);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
