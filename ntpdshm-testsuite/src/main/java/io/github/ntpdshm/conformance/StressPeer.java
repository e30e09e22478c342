/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.ShmLayout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The C program {@code shmstress.c} (writers and ntpd's reader in tight loops, hostile segments), built and run
 * for each layout by {@link CPeer} like the conformance peer.
 */
public final class StressPeer {

    /** The program's source, a resource beside {@link CPeer}. */
    public static final String SHMSTRESS = "shmstress.c";

    private final CPeer peer;

    private StressPeer(CPeer peer) {
        this.peer = peer;
    }

    /**
     * The program built for this layout (skips the calling test where no C compiler here gives it).
     *
     * @param layout the layout it is compiled for
     * @return the stress peer
     */
    public static StressPeer of(ShmLayout layout) {
        return new StressPeer(CPeer.of(SHMSTRESS, layout));
    }

    /**
     * Runs it; fails unless it exits 0.
     *
     * @param args its command and arguments (see {@code shmstress.c})
     * @return its output
     */
    public String call(String... args) {
        return peer.call(args);
    }

    /**
     * Runs it.
     *
     * @param args its command and arguments (see {@code shmstress.c})
     * @return whether it exited 0
     */
    public boolean succeeds(String... args) {
        try {
            peer.call(args);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Runs it, fails unless it exits 0, and parses its {@code name=value} lines as numbers. */
    Map<String, Long> counts(String... args) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : peer.fields(args).entrySet()) {
            m.put(e.getKey(), Long.parseLong(e.getValue()));
        }
        return m;
    }

    /** Starts a writer and returns once it has attached and said so. */
    Running startWriter(String key, long millis, int mode) throws IOException {
        Process p = peer.start("write", key, Long.toString(millis), Integer.toString(mode));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String first = out.readLine();
        if (!"ready".equals(first)) {
            p.destroyForcibly();
            throw new IllegalStateException("shmstress writer (" + peer.describe() + ") did not start: " + first);
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
