package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.SockLayout;

import java.io.IOException;
import java.io.InputStream;
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
 * The C peer {@code sockpeer.c} of chrony's SOCK refclock, compiled with {@link CPeer}'s flags for each of the
 * ABIs (plain, {@code -m32}, {@code -m32 -D_TIME_BITS=64}), so {@code struct sock_sample} comes from a C compiler.
 */
public final class SockPeer {

    private static final Map<ShmLayout, Path> BINARIES = new EnumMap<>(ShmLayout.class);

    private final ShmLayout abi;
    private final Path binary;

    private SockPeer(ShmLayout abi, Path binary) {
        this.abi = abi;
        this.binary = binary;
    }

    /** The peer built for the ABI of this SHM layout; compiled once per JVM into {@code target/cpeer}. */
    public static synchronized SockPeer of(ShmLayout abi) {
        Path bin = BINARIES.get(abi);
        if (bin == null) {
            bin = compile(abi);
            BINARIES.put(abi, bin);
        }
        return new SockPeer(abi, bin);
    }

    /** The datagram layout this peer's {@code struct sock_sample} has. */
    public SockLayout layout() {
        return SockLayout.of(abi);
    }

    private static Path compile(ShmLayout abi) {
        try {
            Path dir = Paths.get("target", "cpeer").toAbsolutePath();
            Files.createDirectories(dir);
            Path src = dir.resolve("sockpeer.c");
            try (InputStream in = SockPeer.class.getResourceAsStream("sockpeer.c")) {
                Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
            }
            Path out = dir.resolve("sockpeer-" + abi.name());
            List<String> cmd = new ArrayList<>(Arrays.asList("gcc", "-O2", "-Wall"));
            cmd.addAll(CPeer.gccFlags(abi));
            // Debian's gcc-multilib has no i386 <asm/socket.h>; x86_64's is the same file (asm-generic's values).
            if (cmd.contains("-m32") && Files.isDirectory(Paths.get("/usr/include/x86_64-linux-gnu/asm"))) {
                cmd.addAll(Arrays.asList("-idirafter", "/usr/include/x86_64-linux-gnu"));
            }
            cmd.addAll(Arrays.asList("-o", out.toString(), src.toString()));
            CPeer.Result r = CPeer.run(cmd, 60);
            if (r.exit != 0) {
                throw new IllegalStateException("cannot compile the SOCK C peer for " + abi.name() + " with " + cmd
                        + ": " + r.output);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot compile the SOCK C peer", e);
        }
    }

    /** Runs the peer to completion and parses its {@code name=value} lines; fails unless it exits 0. */
    public Map<String, String> fields(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(Arrays.asList(args));
        CPeer.Result r = CPeer.run(cmd, 60);
        if (r.exit != 0) {
            throw new IllegalStateException("sockpeer-" + abi.name() + " " + String.join(" ", args) + " exited "
                    + r.exit + ": " + r.output);
        }
        return parse(r.output);
    }

    /** Starts the peer without waiting. */
    public Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(Arrays.asList(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** {@code name=value} lines as a map. */
    public static Map<String, String> parse(String output) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return m;
    }
}
