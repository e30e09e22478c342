/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures of one backend's reliability group, one line per area, appended to
 * {@code target/reliability-summary.txt} of the module that ran it (CI prints that file).
 */
public final class ReliabilitySummary {

    /** Where the lines go, relative to the module that runs the tests. */
    public static final Path FILE = Paths.get("target", "reliability-summary.txt");

    private final Map<String, Map<String, AtomicLong>> areas = new TreeMap<>();

    /** A summary to fill. */
    public ReliabilitySummary() {
    }

    /**
     * Adds n to a figure of an area.
     *
     * @param area   e.g. {@code "torn"}
     * @param figure e.g. {@code "torn_accepted"}
     * @param n      how much to add
     */
    public synchronized void add(String area, String figure, long n) {
        areas.computeIfAbsent(area, a -> new java.util.LinkedHashMap<>())
                .computeIfAbsent(figure, f -> new AtomicLong()).addAndGet(n);
    }

    /**
     * Appends one line per area and a total line to the file, and returns them.
     *
     * @param backend the backend the figures are for
     * @param millis  how long the group took
     * @param leaked  segments left behind (must be 0)
     * @return the lines written
     * @throws IOException if the file cannot be written
     */
    public synchronized String write(String backend, long millis, int leaked) throws IOException {
        StringBuilder b = new StringBuilder();
        String head = String.format("reliability %-6s Java %-8s %s", backend, Runtime.version().feature(),
                Stress.soak() ? "soak" : "ci");
        for (Map.Entry<String, Map<String, AtomicLong>> a : areas.entrySet()) {
            b.append(head).append(String.format(" %-12s", a.getKey()));
            for (Map.Entry<String, AtomicLong> f : a.getValue().entrySet()) {
                b.append(' ').append(f.getKey()).append('=').append(f.getValue().get());
            }
            b.append('\n');
        }
        b.append(head).append(String.format(" %-12s", "total")).append(" seconds=").append(millis / 1000)
                .append(" leaked_segments=").append(leaked).append('\n');
        Files.createDirectories(FILE.toAbsolutePath().getParent());
        Files.write(FILE, b.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return b.toString();
    }
}
