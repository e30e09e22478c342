package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.ShmLayout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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

/**
 * The C program {@code shmstress.c} (writers and ntpd's reader in tight loops, hostile segments), compiled with
 * gcc for each layout with {@link CPeer#gccFlags} into {@code target/cpeer}.
 */
public final class StressPeer {

    private static final Map<ShmLayout, Path> BINARIES = new EnumMap<>(ShmLayout.class);

    private final ShmLayout layout;
    private final Path binary;

    private StressPeer(ShmLayout layout, Path binary) {
        this.layout = layout;
        this.binary = binary;
    }

    /** The program built for this layout; compiled once per JVM. */
    public static synchronized StressPeer of(ShmLayout layout) {
        Path bin = BINARIES.get(layout);
        if (bin == null) {
            bin = compile(layout);
            BINARIES.put(layout, bin);
        }
        return new StressPeer(layout, bin);
    }

    private static Path compile(ShmLayout layout) {
        try {
            Path dir = Files.createDirectories(Paths.get("target", "cpeer").toAbsolutePath());
            Path src = dir.resolve("shmstress.c");
            try (InputStream in = StressPeer.class.getResourceAsStream("shmstress.c")) {
                Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
            }
            Path out = dir.resolve("shmstress-" + layout.size());
            List<String> cmd = new ArrayList<>(Arrays.asList("gcc", "-O2", "-Wall"));
            cmd.addAll(CPeer.gccFlags(layout));
            cmd.addAll(Arrays.asList("-o", out.toString(), src.toString()));
            CPeer.Result r = CPeer.run(cmd, 60);
            if (r.exit != 0) {
                throw new IllegalStateException("cannot compile shmstress for layout " + layout.name() + ": " + r.output);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot compile shmstress", e);
        }
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** Runs it to the end; its exit code and output. */
    public CPeer.Result run(String... args) {
        return CPeer.run(command(args), 600);
    }

    /** Runs it, fails unless it exits 0, and parses its {@code name=value} lines. */
    Map<String, Long> counts(String... args) {
        CPeer.Result r = run(args);
        if (r.exit != 0) {
            throw new IllegalStateException("shmstress-" + layout.size() + " " + String.join(" ", args) + " exited "
                    + r.exit + ": " + r.output);
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : r.output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
            }
        }
        return m;
    }

    /** Starts a writer and returns once it has attached and said so. */
    Running startWriter(String key, long millis, int mode) throws IOException {
        Process p = new ProcessBuilder(command("write", key, Long.toString(millis), Integer.toString(mode)))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String first = out.readLine();
        if (!"ready".equals(first)) {
            p.destroyForcibly();
            throw new IllegalStateException("shmstress writer did not start: " + first);
        }
        return new Running(p, out);
    }

    /** A started peer and its remaining output. */
    static final class Running {
        final Process process;
        final BufferedReader out;

        Running(Process process, BufferedReader out) {
            this.process = process;
            this.out = out;
        }

        /** Waits for its end and returns its {@code written=} figure. */
        long written() throws IOException, InterruptedException {
            long n = -1;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("written=")) {
                    n = Long.parseLong(line.substring(8));
                }
            }
            process.waitFor();
            return n;
        }
    }
}
