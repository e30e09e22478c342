/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.ShmLayout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The C peer {@code shmpeer.c}, compiled for each layout by the {@link PeerToolchain} of the JVM under test (on
 * x86_64: gcc, and the i686 cross gcc with and without {@code -D_TIME_BITS=64}; cross compilers on other
 * architectures) so its struct
 * offsets come from a C compiler, not from us. Where no compiler gives a layout with this JVM's byte order, a test
 * that asks for that peer is skipped with the reason.
 */
public final class CPeer {

    /** The conformance peer's source, a resource beside this class. */
    public static final String SHMPEER = "shmpeer.c";

    /**
     * {@code struct shmTime} for every C program here and for the benchmarks' C baseline, a resource beside this
     * class: copied beside each source before it is compiled.
     */
    public static final String SHMTIME_H = "shmtime.h";

    private static final Map<String, Path> BINARIES = new HashMap<>();

    private final ShmLayout layout;
    private final PeerToolchain toolchain;
    private final Path binary;

    private CPeer(ShmLayout layout, PeerToolchain toolchain, Path binary) {
        this.layout = layout;
        this.toolchain = toolchain;
        this.binary = binary;
    }

    /**
     * The peer built for this layout; compiled once per JVM into {@code target/cpeer}. Skips the calling test (a JUnit
     * assumption, with the reason) where no C compiler here gives the layout with this JVM's byte order.
     *
     * @param layout the {@code struct shmTime} layout the peer is compiled for
     * @return the conformance peer {@value #SHMPEER} for that layout
     */
    public static CPeer of(ShmLayout layout) {
        return of(SHMPEER, layout);
    }

    /**
     * Another C program of the resources beside this class, built by the toolchain of {@code layout}.
     *
     * @param source its file name, e.g. {@code "abi.c"}
     * @param layout the layout whose toolchain builds it
     * @return the program, compiled once per JVM
     */
    public static synchronized CPeer of(String source, ShmLayout layout) {
        Optional<PeerToolchain> tc = PeerToolchain.forLayout(layout);
        Assumptions.assumeTrue(tc.isPresent(), () -> PeerToolchain.missingReason(layout));
        return new CPeer(layout, tc.get(), build(source, layout, tc.get(), tc.get().compiler()));
    }

    /**
     * A program of the test resources linked dynamically by the toolchain of {@code layout}, never run: its imports
     * stand for an installed daemon's. Skips the calling test where no toolchain gives the layout.
     *
     * @param source its file name, e.g. {@code "daemonlike.c"}
     * @param layout the layout whose toolchain builds it
     * @return the program's path
     */
    public static synchronized Path dynamicProgram(String source, ShmLayout layout) {
        Optional<PeerToolchain> tc = PeerToolchain.forLayout(layout);
        Assumptions.assumeTrue(tc.isPresent(), () -> PeerToolchain.missingReason(layout));
        List<String> cc = new ArrayList<>(tc.get().compiler());
        cc.remove("-static");
        return build(source, layout, tc.get(), cc);
    }

    private static Path build(String source, ShmLayout layout, PeerToolchain tc, List<String> compiler) {
        String id = source.replace(".c", "") + "-" + layout.size() + "-" + tc.target().replaceAll("[^A-Za-z0-9]+", "_")
                + (compiler.contains("-static") ? "" : "-dyn");
        Path bin = BINARIES.get(id);
        if (bin == null) {
            bin = compile(source, id, layout, compiler);
            BINARIES.put(id, bin);
        }
        return bin;
    }

    /** {@return how this peer was built and is run, e.g. {@code "i686-linux-gnu-gcc -static, run by qemu-i386"}} */
    public String describe() {
        return toolchain.describe();
    }

    /** {@return the toolchain that built this peer} */
    public PeerToolchain toolchain() {
        return toolchain;
    }

    private static Path compile(String source, String id, ShmLayout layout, List<String> compiler) {
        try {
            Path dir = Paths.get("target", "cpeer").toAbsolutePath();
            Files.createDirectories(dir);
            // the header beside the source, where its #include "shmtime.h" finds it
            for (String resource : Arrays.asList(source, SHMTIME_H)) {
                try (InputStream in = CPeer.class.getResourceAsStream(resource)) {
                    Files.copy(in, dir.resolve(resource), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path src = dir.resolve(source);
            Path out = dir.resolve(id);
            List<String> cmd = new ArrayList<>(compiler);
            cmd.addAll(Arrays.asList("-O2", "-Wall", "-o", out.toString(), src.toString()));
            Result r = run(cmd, 120);
            if (r.exit != 0) {
                throw new IllegalStateException("cannot compile " + source + " for layout " + layout.name() + ": "
                        + r.describe() + "\n(scripts/test.sh installs the C compilers it needs; scripts/platforms.sh"
                        + " those of the other architectures)");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot compile the C peer", e);
        }
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(toolchain.runner());
        cmd.add(binary.toString());
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /**
     * Runs the peer; fails unless it exits 0, naming the command, its exit status and its output.
     *
     * @param args the peer's command and its arguments, e.g. {@code "dump", "0x6e700002"}
     * @return its stdout followed by its stderr
     */
    public String call(String... args) {
        Result r = run(command(args), 120);
        if (r.exit != 0) {
            throw new IllegalStateException("C peer for layout " + layout.name() + " failed: " + r.describe());
        }
        return r.output;
    }

    /**
     * Runs the peer and parses its {@code name=value} lines.
     *
     * @param args the peer's command and its arguments
     * @return the values by name, in the order printed
     */
    public Map<String, String> fields(String... args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : call(args).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return m;
    }

    /**
     * Starts the peer without waiting; stdout and stderr merged.
     *
     * @param args the peer's command and its arguments
     * @return the running process; the caller waits for it or destroys it
     * @throws IOException if it cannot be started
     */
    public Process start(String... args) throws IOException {
        ForkWatchdog.ensureStarted();
        return new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    }

    /** A finished process: its command, exit status (-1 if it timed out or could not start) and output. */
    public static final class Result {
        /** Exit status; -1 when it timed out or did not start. */
        public final int exit;
        /** stdout followed by stderr. */
        public final String output;
        /** stdout. */
        public final String stdout;
        /** stderr, or why it did not start or finish. */
        public final String stderr;
        /** The command line. */
        public final List<String> command;
        /** The process id, or -1 when it did not start. */
        final long pid;

        Result(List<String> command, int exit, String stdout, String stderr) {
            this(command, -1, exit, stdout, stderr);
        }

        Result(List<String> command, long pid, int exit, String stdout, String stderr) {
            this.command = command;
            this.pid = pid;
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
            this.output = stdout + stderr;
        }

        /** {@return {@code `cmd` exited 2; stderr: ...; stdout: ...}, for failure messages} */
        public String describe() {
            return "`" + String.join(" ", command) + "` " + (exit == -1 ? "did not finish" : "exited " + exit)
                    + (stderr.isEmpty() ? "" : "; stderr: " + stderr.trim())
                    + (stdout.isEmpty() ? "" : "; stdout: " + stdout.trim());
        }
    }

    /**
     * Runs a command to completion, reading stdout and stderr while it runs (a chatty peer never blocks on a full
     * pipe), and kills it after the timeout. A process the {@link ForkWatchdog} had to kill is run again.
     *
     * @param cmd            the command line
     * @param timeoutSeconds how long it may run
     * @return how it ended and what it printed
     */
    public static Result run(List<String> cmd, int timeoutSeconds) {
        ForkWatchdog.ensureStarted();
        for (int attempt = 1; ; attempt++) {
            Result r = runOnce(cmd, timeoutSeconds);
            if (r.pid < 0 || !ForkWatchdog.killed(r.pid) || attempt == 3) {
                return r;
            }
        }
    }

    private static Result runOnce(List<String> cmd, int timeoutSeconds) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            return new Result(cmd, -1, "", "cannot start: " + e);
        }
        try {
            p.getOutputStream().close();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(cmd, p.pid(), -1, out.get(), err.get() + "\n(killed after " + timeoutSeconds + " s)");
            }
            return new Result(cmd, p.pid(), p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(cmd, -1, "", "interrupted");
        } catch (IOException | ExecutionException e) {
            p.destroyForcibly();
            return new Result(cmd, -1, "", e.toString());
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream s = in) {
                return new String(s.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output lost: " + e + ")";
            }
        }, DRAINER);
    }

    /** Daemon threads, so a peer that never closes its output cannot keep the test JVM alive. */
    private static final java.util.concurrent.Executor DRAINER = r -> {
        Thread t = new Thread(r, "cpeer-output");
        t.setDaemon(true);
        t.start();
    };
}
