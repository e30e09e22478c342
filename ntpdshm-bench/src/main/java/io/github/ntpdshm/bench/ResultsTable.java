/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes run.sh's Markdown table from JMH's JSON results ({@code -rf json}): backend, operation, ns/op ± error,
 * B/op, and the ratio to the C baseline of the same run (the C loops run in the JDK 22+ JVM; the C code does not
 * depend on the JDK, so JDK 17 rows are divided by the same C figures).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.github.ntpdshm.bench.ResultsTable OUT.md "MACHINE" A.json B.json ...}
 */
public final class ResultsTable {

    /** One benchmark method: how the table names it, which C twin it is divided by, and the target ratio. */
    private static final class Op {
        final String label;
        final String cTwin;
        final String target;

        Op(String label, String cTwin, String target) {
            this.label = label;
            this.cTwin = cTwin;
            this.target = target;
        }
    }

    private static final Map<String, Op> OPS = new LinkedHashMap<>();

    static {
        OPS.put("updateInstants", new Op("update(Instant, Instant)", "cStore", "≤ 2.0 (panama ≤ 1.5), 0 B"));
        OPS.put("updatePrimitive", new Op("update(long, int, long, int)", "cStore", "0 B"));
        OPS.put("updateClockTime", new Op("update(double), reads the clock", "cClockStore", "≤ 1.3"));
        OPS.put("peekInto", new Op("peek(ShmSample.Mutable)", "cRead", "≤ 2.0, 0 B"));
        OPS.put("peek", new Op("peek()", "cRead", "≤ 2.0"));
        OPS.put("peekOffset", new Op("peek().sample().offsetNanos()", "cRead", ""));
        OPS.put("openClose", new Op("open + close", "cOpenClose", ""));
        OPS.put("instantNow", new Op("Instant.now()", "cClock", ""));
        OPS.put("lockUncontended", new Op("JVM: uncontended synchronized + increment", null, ""));
        OPS.put("fullFence", new Op("JVM: VarHandle.fullFence() + increment", null, ""));
        OPS.put("noLock", new Op("JVM: increment alone", null, ""));
        OPS.put("cStore", new Op("C: gpsd's store and fences", "cStore", ""));
        OPS.put("cClockStore", new Op("C: clock_gettime + store", "cClockStore", ""));
        OPS.put("cClock", new Op("C: clock_gettime", "cClock", ""));
        OPS.put("cRead", new Op("C: ntpd's read", "cRead", ""));
        OPS.put("cOpenClose", new Op("C: shmget + IPC_STAT + shmat + shmdt", "cOpenClose", ""));
    }

    private static final List<String> BACKENDS = Arrays.asList("panama", "jna", "jnr", "");

    private ResultsTable() {
    }

    /** One result row. */
    private static final class Row {
        String jdk;
        String method;
        String backend;
        double score;
        double error;
        double bytesPerOp = Double.NaN;
        int samples;
    }

    /**
     * Entry point.
     *
     * @param args the Markdown file to write, the machine's description, then JMH JSON files
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: ResultsTable OUT.md \"MACHINE\" RESULT.json...");
            System.exit(2);
        }
        System.out.print(write(args, System.err));
    }

    /** Writes the table as {@link #main} does and returns it; says on {@code err} which files it skipped. */
    static String write(String[] args, PrintStream err) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> jdks = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            Path p = Paths.get(args[i]);
            if (!Files.isRegularFile(p) || Files.size(p) == 0) {
                err.println("ResultsTable: skipping " + p + " (missing or empty)");
                continue;
            }
            for (Object o : (List<?>) new Json(new String(Files.readAllBytes(p), StandardCharsets.UTF_8)).value()) {
                Row r = row((Map<?, ?>) o);
                if (!jdks.contains(r.jdk)) {
                    jdks.add(r.jdk);
                }
                rows.add(r);
            }
        }
        Map<String, Row> c = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.method.startsWith("c")) {
                c.putIfAbsent(r.method, r);
            }
        }
        rows.sort((a, b) -> {
            int k = Integer.compare(jdks.indexOf(a.jdk), jdks.indexOf(b.jdk));
            if (k == 0) {
                k = Integer.compare(index(OPS.keySet(), a.method), index(OPS.keySet(), b.method));
            }
            return k != 0 ? k : Integer.compare(BACKENDS.indexOf(a.backend), BACKENDS.indexOf(b.backend));
        });
        StringBuilder md = new StringBuilder();
        md.append("| JDK | backend | operation | ns/op ± error | B/op | ratio to C | target |\n");
        md.append("|---|---|---|---:|---:|---:|---|\n");
        for (Row r : rows) {
            Op op = OPS.getOrDefault(r.method, new Op(r.method, null, ""));
            Row base = op.cTwin == null ? null : c.get(op.cTwin);
            md.append("| ").append(r.jdk)
                    .append(" | ").append(r.backend.isEmpty() ? "—" : r.backend)
                    .append(" | ").append(op.label)
                    .append(" | ").append(fmt(r.score)).append(Double.isNaN(r.error) ? "" : " ± " + fmt(r.error))
                    .append(" | ").append(Double.isNaN(r.bytesPerOp) ? "—" : fmt(Math.abs(r.bytesPerOp) < 0.5 ? 0 : r.bytesPerOp))
                    .append(" | ").append(ratio(r, base))
                    .append(" | ").append(op.target)
                    .append(" |\n");
        }
        md.append("\n").append(args[1]).append(". ").append(rows.isEmpty() ? 0 : rows.get(0).samples)
                .append(" measurements per row (forks × iterations); error is JMH's 99.9% confidence interval. Ratios")
                .append(" divide by the C twin's ns/op (").append(c.isEmpty() ? "no C baseline in this run"
                        : "C measured on " + c.values().iterator().next().jdk + " through one Panama downcall per 1000"
                        + " operations, 20 for open/close").append("); their ± combines both errors.\n");
        Files.write(Paths.get(args[0]), md.toString().getBytes(StandardCharsets.UTF_8));
        return md.toString();
    }

    private static int index(Iterable<String> keys, String k) {
        int i = 0;
        for (String s : keys) {
            if (s.equals(k)) {
                return i;
            }
            i++;
        }
        return i;
    }

    private static Row row(Map<?, ?> m) {
        Row r = new Row();
        String bench = (String) m.get("benchmark");
        r.method = bench.substring(bench.lastIndexOf('.') + 1);
        String version = String.valueOf(m.get("jdkVersion"));
        r.jdk = version.split("[.+-]")[0].equals("1") ? version : "JDK " + version;
        Map<?, ?> params = (Map<?, ?>) m.get("params");
        r.backend = params == null || params.get("backend") == null ? "" : (String) params.get("backend");
        Map<?, ?> pm = (Map<?, ?>) m.get("primaryMetric");
        r.score = num(pm.get("score"));
        r.error = num(pm.get("scoreError"));
        Object raw = pm.get("rawData");
        if (raw instanceof List) {
            for (Object fork : (List<?>) raw) {
                r.samples += ((List<?>) fork).size();
            }
        }
        Map<?, ?> sm = (Map<?, ?>) m.get("secondaryMetrics");
        if (sm != null && sm.get("gc.alloc.rate.norm") != null) {
            r.bytesPerOp = num(((Map<?, ?>) sm.get("gc.alloc.rate.norm")).get("score"));
        }
        return r;
    }

    private static double num(Object o) {
        return o instanceof Number ? ((Number) o).doubleValue() : Double.NaN;  // JMH writes "NaN" as a string
    }

    private static String ratio(Row r, Row base) {
        if (base == null) {
            return "—";
        }
        double q = r.score / base.score;
        double e = q * Math.sqrt(sq(r.error / r.score) + sq(base.error / base.score));
        boolean known = !Double.isNaN(r.error) && !Double.isNaN(base.error);
        return known ? String.format(Locale.ROOT, "%.2f ± %.2f", q, e) : String.format(Locale.ROOT, "%.2f", q);
    }

    private static double sq(double x) {
        return x * x;
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 1000 ? "%.0f" : Math.abs(v) >= 100 ? "%.1f" : "%.2f", v);
    }

    /** Just enough JSON for JMH's output: objects, arrays, strings, numbers, true/false/null. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char ch = s.charAt(i);
            switch (ch) {
                case '{': {
                    Map<String, Object> m = new LinkedHashMap<>();
                    i++;
                    skip();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        skip();
                        String k = string();
                        skip();
                        expect(':');
                        m.put(k, value());
                        skip();
                        if (s.charAt(i++) == '}') {
                            return m;
                        }
                    }
                }
                case '[': {
                    List<Object> l = new ArrayList<>();
                    i++;
                    skip();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        skip();
                        if (s.charAt(i++) == ']') {
                            return l;
                        }
                    }
                }
                case '"':
                    return string();
                default:
                    int start = i;
                    while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
                        i++;
                    }
                    String w = s.substring(start, i);
                    if (w.equals("true") || w.equals("false")) {
                        return Boolean.valueOf(w);
                    }
                    return w.equals("null") ? null : (Object) Double.valueOf(w);
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (s.charAt(i) != '"') {
                char ch = s.charAt(i++);
                if (ch == '\\') {
                    char e = s.charAt(i++);
                    if (e == 'u') {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    } else {
                        b.append(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e);
                    }
                } else {
                    b.append(ch);
                }
            }
            i++;
            return b.toString();
        }

        private void expect(char ch) {
            if (s.charAt(i) != ch) {
                throw new IllegalArgumentException("JSON: expected '" + ch + "' at " + i + " but found '" + s.charAt(i) + "'");
            }
            i++;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
