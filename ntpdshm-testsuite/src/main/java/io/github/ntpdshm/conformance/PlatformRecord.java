/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.ShmLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Records what the conformance suite proved on this JVM, per layout: the architecture and JDK, the C peer that checked
 * the layout, and how many tests passed, failed or were skipped (with the reason). One file per suite run under
 * {@code target/platform-record/}; {@code scripts/platform-table.sh} turns them into the README's platform table.
 */
public final class PlatformRecord implements TestWatcher, AfterAllCallback {

    /** A layout's row, or {@code "-"} for the tests that take no layout parameter. */
    private static final class Row {
        int passed;
        int failed;
        int skipped;
        final TreeSet<String> reasons = new TreeSet<>();
    }

    private final Map<String, Row> rows = new TreeMap<>();
    private String backend = "?";

    private Row row(ExtensionContext context) {
        context.getTestInstance().filter(ConformanceSuite.class::isInstance)
                .ifPresent(i -> backend = ((ConformanceSuite) i).backend());
        String name = context.getDisplayName();
        String key = "-";
        for (ShmLayout l : ShmLayout.values()) {
            if (name.matches("\\[\\d+] " + l.name())) {
                key = l.name();
            }
        }
        return rows.computeIfAbsent(key, k -> new Row());
    }

    @Override
    public synchronized void testSuccessful(ExtensionContext context) {
        row(context).passed++;
    }

    @Override
    public synchronized void testFailed(ExtensionContext context, Throwable cause) {
        row(context).failed++;
    }

    @Override
    public synchronized void testAborted(ExtensionContext context, Throwable cause) {
        Row r = row(context);
        r.skipped++;
        r.reasons.add(String.valueOf(cause.getMessage()).replaceAll("\\s+", " "));
    }

    @Override
    public synchronized void testDisabled(ExtensionContext context, Optional<String> reason) {
        Row r = row(context);
        r.skipped++;
        r.reasons.add(reason.orElse("disabled"));
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        String arch = PeerToolchain.jvmArch();
        String jdk = System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.version", "?");
        String emulator = System.getProperty("ntpdshm.test.emulator", "native");
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            String peer = "-";
            if (!e.getKey().equals("-")) {
                peer = PeerToolchain.forLayout(ShmLayout.valueOf(e.getKey())).map(PeerToolchain::describe)
                        .orElse("none");
            }
            Row r = e.getValue();
            lines.add(String.join("\t", arch, jdk, emulator, backend, e.getKey(), peer, String.valueOf(r.passed),
                    String.valueOf(r.failed), String.valueOf(r.skipped), String.join("; ", r.reasons)));
        }
        Path dir = Paths.get("target", "platform-record");
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(arch + "-" + backend + "-" + System.getProperty("java.version", "x") + ".tsv"),
                    lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
