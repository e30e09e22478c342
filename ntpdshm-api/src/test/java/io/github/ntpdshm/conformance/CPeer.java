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
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The C peer {@code shmpeer.c}, compiled with gcc for each layout (plain, {@code -m32},
 * {@code -m32 -D_TIME_BITS=64}) so its struct offsets come from a C compiler, not from us.
 */
public final class CPeer {

    private static final Map<ShmLayout, Path> BINARIES = new EnumMap<>(ShmLayout.class);

    private final ShmLayout layout;
    private final Path binary;

    private CPeer(ShmLayout layout, Path binary) {
        this.layout = layout;
        this.binary = binary;
    }

    /** The peer built for this layout; compiled once per JVM into {@code target/cpeer}. */
    public static synchronized CPeer of(ShmLayout layout) {
        Path bin = BINARIES.get(layout);
        if (bin == null) {
            bin = compile(layout);
            BINARIES.put(layout, bin);
        }
        return new CPeer(layout, bin);
    }

    /** gcc flags that give this layout on x86_64. */
    public static List<String> gccFlags(ShmLayout layout) {
        switch (layout) {
            case ILP32:
                return Arrays.asList("-m32");
            case ILP32_TIME64:
                return Arrays.asList("-m32", "-D_TIME_BITS=64", "-D_FILE_OFFSET_BITS=64");
            default:
                return Arrays.asList();
        }
    }

    private static Path compile(ShmLayout layout) {
        try {
            Path dir = Paths.get("target", "cpeer").toAbsolutePath();
            Files.createDirectories(dir);
            Path src = dir.resolve("shmpeer.c");
            try (InputStream in = CPeer.class.getResourceAsStream("shmpeer.c")) {
                Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
            }
            Path out = dir.resolve("shmpeer-" + layout.size());
            List<String> cmd = new ArrayList<>(Arrays.asList("gcc", "-O2", "-Wall"));
            cmd.addAll(gccFlags(layout));
            cmd.addAll(Arrays.asList("-o", out.toString(), src.toString()));
            Result r = run(cmd, 60);
            if (r.exit != 0) {
                throw new IllegalStateException("cannot compile the C peer for layout " + layout.name() + " with "
                        + cmd + ": " + r.output + (layout == ShmLayout.LP64 ? ""
                        : "\n(-m32 needs Debian's gcc-multilib: apt-get install -y gcc-multilib)"));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot compile the C peer", e);
        }
    }

    /** Runs the peer; fails unless it exits 0. */
    public String call(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(Arrays.asList(args));
        Result r = run(cmd, 120);
        if (r.exit != 0) {
            throw new IllegalStateException("shmpeer-" + layout.size() + " " + String.join(" ", args) + " exited "
                    + r.exit + ": " + r.output);
        }
        return r.output;
    }

    /** Runs the peer and parses its {@code name=value} lines. */
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

    /** Starts the peer without waiting. */
    public Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(Arrays.asList(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** A process's exit code and combined output. */
    public static final class Result {
        /** Exit code. */
        public final int exit;
        /** stdout and stderr. */
        public final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    /** Runs a command to completion (killed after the timeout). */
    public static Result run(List<String> cmd, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + new String(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
