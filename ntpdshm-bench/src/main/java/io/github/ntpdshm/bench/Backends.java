/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import io.github.ntpdshm.api.ShmBackends;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints, comma-separated, the backends of {@code @Param({"panama","jna","jnr"})} that can run in this JVM, for
 * run.sh's {@code -p backend=...}; with {@code --c} it prints {@code yes} when the C baseline can run here.
 */
public final class Backends {

    private Backends() {
    }

    /** The available backends among those the benchmarks name, comma-separated (may be empty). */
    static String available() {
        List<String> names = new ArrayList<>();
        for (String wanted : new String[] {"panama", "jna", "jnr"}) {
            for (ShmBackends.Candidate c : ShmBackends.candidates()) {
                if (c.name().equals(wanted) && c.isAvailable()) {
                    names.add(wanted);
                }
            }
        }
        return String.join(",", names);
    }

    /**
     * Entry point.
     *
     * @param args {@code --c} to ask about the C baseline instead; {@code -v} to explain on stderr
     */
    public static void main(String[] args) {
        boolean c = args.length > 0 && args[0].equals("--c");
        if (c) {
            try {
                CBaseline.open(BenchSegments.randomKeyBase()).close();
                System.out.println("yes");
            } catch (UnsupportedOperationException | IllegalStateException e) {
                System.out.println("no: " + e.getMessage());
            }
            return;
        }
        for (ShmBackends.Candidate cand : ShmBackends.candidates()) {
            if (!cand.isAvailable()) {
                System.err.println("not available here: " + cand);
            }
        }
        System.out.println(available());
    }
}
