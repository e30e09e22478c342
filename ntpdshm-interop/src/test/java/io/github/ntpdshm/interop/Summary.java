/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The result table: one row per peer, backend and layout, printed and written as Markdown at the end. */
final class Summary {

    /** A check that returns what was seen, or throws (AssertionError or any exception) with what was seen. */
    interface Check {
        String run() throws Exception;
    }

    private static final class Row {
        final String peer;
        final String backend;
        final String layout;
        final String seen;
        final boolean pass;

        Row(String peer, String backend, String layout, String seen, boolean pass) {
            this.peer = peer;
            this.backend = backend;
            this.layout = layout;
            this.seen = seen;
            this.pass = pass;
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    /** Runs a check, records its row, and keeps its failure for {@link #throwIfFailed}. */
    synchronized void check(String peer, String backend, String layout, Check check) {
        try {
            rows.add(new Row(peer, backend, layout, check.run(), true));
        } catch (Throwable e) {
            String m = e instanceof AssertionError ? String.valueOf(e.getMessage()) : e.toString();
            rows.add(new Row(peer, backend, layout, m, false));
            failures.add(e);
        }
    }

    /** Records a failure that happened before any per-backend check (e.g. a daemon that did not start). */
    synchronized void fail(String peer, String what, Throwable e) {
        rows.add(new Row(peer, "all", "-", what + ": " + e.getMessage(), false));
        failures.add(e);
    }

    /** Throws one AssertionError naming every failed check since the last call. */
    synchronized void throwIfFailed() {
        if (failures.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder(failures.size() + " check(s) failed:");
        for (Throwable t : failures) {
            sb.append("\n- ").append(t instanceof AssertionError ? t.getMessage() : t.toString());
        }
        AssertionError e = new AssertionError(sb.toString());
        for (Throwable t : failures) {
            e.addSuppressed(t);
        }
        failures.clear();
        throw e;
    }

    synchronized String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Peer | Backend | Layout | Seen | Result |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(cell(r.peer)).append(" | ").append(cell(r.backend)).append(" | ")
                    .append(cell(r.layout)).append(" | ").append(cell(r.seen)).append(" | ")
                    .append(r.pass ? "pass" : "**FAIL**").append(" |\n");
        }
        return sb.toString();
    }

    synchronized String text() {
        int[] w = {4, 7, 6};
        for (Row r : rows) {
            w[0] = Math.max(w[0], r.peer.length());
            w[1] = Math.max(w[1], r.backend.length());
            w[2] = Math.max(w[2], r.layout.length());
        }
        String f = "%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %-4s  %s%n";
        StringBuilder sb = new StringBuilder(String.format(f, "PEER", "BACKEND", "LAYOUT", "OK?", "SEEN"));
        for (Row r : rows) {
            sb.append(String.format(f, r.peer, r.backend, r.layout, r.pass ? "pass" : "FAIL",
                    r.seen.replace('\n', ' ')));
        }
        return sb.toString();
    }

    synchronized void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, markdown().getBytes(StandardCharsets.UTF_8));
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", "<br>");
    }
}
