/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.CPeer;
import io.github.ntpdshm.conformance.TestSegments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exporter over loopback: what it serves, promtool's lint, read-only, a segment replaced under it. */
class ExporterIT {

    private static final Pattern SERVING = Pattern.compile("# ntpdshm exporter: http://127\\.0\\.0\\.1:(\\d+)/metrics, .*");

    private final TestSegments segs = new TestSegments();
    private final String kb = "0x" + Integer.toHexString(segs.keyBase());

    @AfterEach
    void cleanup() {
        List<ShmSegment> attached = segs.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    /** promtool from PATH, $PROMTOOL or /opt/prometheus (scripts/test.sh unpacks Debian's prometheus there). */
    static Path promtool() {
        for (String p : new String[] {System.getenv("PROMTOOL"), "/usr/bin/promtool", "/opt/prometheus/usr/bin/promtool"}) {
            if (p != null && Files.isExecutable(Paths.get(p))) {
                return Paths.get(p);
            }
        }
        throw new AssertionError("promtool not found: scripts/test.sh installs it (Debian's prometheus package,"
                + " unpacked into /opt/prometheus), or set PROMTOOL");
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static String line(String scrape, String prefix) {
        return Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting " + prefix + " in:\n" + scrape));
    }

    private static double value(String scrape, String prefix) {
        String l = line(scrape, prefix);
        return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
    }

    /**
     * docs/examples/grafana-dashboard.json: every query is PromQL that promtool accepts (as recording rules, with
     * Grafana's variables filled in), and every metric it names is one the exporter serves.
     */
    private static void dashboardQueriesWhatIsServed(Path promtool, String scrape) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Paths.get("..", "docs", "examples", "grafana-dashboard.json")
                .toFile());
        StringBuilder rules = new StringBuilder("groups:\n- name: dashboard\n  rules:\n");
        int n = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText().replace("$__rate_interval", "5m").replace("$unit", ".*");
                rules.append("  - record: dashboard:query").append(n++).append("\n    expr: '")
                        .append(expr.replace("'", "''")).append("'\n");
                Matcher names = Pattern.compile("ntpdshm_[a-z_]+").matcher(expr);
                while (names.find()) {
                    String name = names.group();
                    assertTrue(scrape.contains("\n" + name + "{") || scrape.startsWith(name + "{"),
                            "panel '" + panel.path("title").asText() + "' queries " + name
                                    + ", which the exporter does not serve:\n" + scrape);
                }
            }
        }
        assertTrue(n >= 8, "queries found in the dashboard: " + n);
        Path file = Files.createTempFile(Paths.get("target"), "dashboard", ".rules.yml");
        Files.write(file, rules.toString().getBytes(StandardCharsets.UTF_8));
        CPeer.Result check = CPeer.run(Arrays.asList(promtool.toString(), "check", "rules", file.toString()), 30);
        assertEquals(0, check.exit, "promtool check rules on the dashboard's queries:\n" + check.output + "\n" + rules);
        Files.delete(file);
    }

    @Test
    void servesTheMetricsReadOnlyAndPromtoolAgrees() throws Exception {
        Path promtool = promtool();
        try (NtpdShm w = NtpdShm.open(segs.options(2, "panama").layout(ShmLayout.LP64).permissions(0644).build())) {
            w.setPrecision(-10);
            Instant now = Instant.now();
            w.update(now.minusSeconds(1), now);
            Jar.Running exp = Jar.start("exporter", "--listen", "127.0.0.1:0", "--units", "2,3", "--key-base", kb,
                    "--ntp-conf", "none", "--chrony-conf", "none");
            try {
                Matcher m = SERVING.matcher(exp.awaitLines(SERVING, 1, 60_000).get(0));
                assertTrue(m.matches());
                int port = Integer.parseInt(m.group(1));
                String text = scrape(port);
                assertEquals(-1.0, value(text, "ntpdshm_offset_seconds{unit=\"2\"}"), 1e-9, text);
                assertTrue(value(text, "ntpdshm_sample_age_seconds{unit=\"2\"}") >= 0, text);
                assertEquals(1.0, value(text, "ntpdshm_would_accept{daemon=\"ntpd\",unit=\"2\"}"), text);
                assertEquals(1.0, value(text, "ntpdshm_would_accept{daemon=\"chrony\",unit=\"2\"}"), text);
                assertEquals(Math.pow(2, -10), value(text, "ntpdshm_precision_seconds{unit=\"2\"}"), 1e-12, text);
                assertEquals(0.0, value(text, "ntpdshm_leap{unit=\"2\"}"), text);
                assertEquals(96.0, value(text, "ntpdshm_segment_size_bytes{unit=\"2\"}"), text);
                assertEquals(0.0, value(text, "ntpdshm_segment_present{unit=\"3\"}"), text);
                assertEquals(0.0, value(text, "ntpdshm_samples_total{unit=\"3\"}"), text);
                assertTrue(text.contains("# TYPE ntpdshm_samples_total counter"), text);
                assertTrue(text.contains("# TYPE ntpdshm_clashes_total counter"), text);
                assertTrue(line(text, "ntpdshm_segment_info{").matches("ntpdshm_segment_info\\{backend=\"panama\",key=\""
                        + segs.hexKey(2) + "\",layout=\"LP64\",owner=\"root\",permissions=\"0644\",unit=\"2\"} 1(\\.0)?"),
                        text);

                // two more samples: counted; the scrape never cleared valid (read-only)
                for (int i = 0; i < 2; i++) {
                    Thread.sleep(700);  // the exporter looks every 10 ms: it sees each one
                    w.update(Instant.now().minusSeconds(1), Instant.now());
                }
                Thread.sleep(500);
                String again = scrape(port);
                assertEquals(2.0, value(again, "ntpdshm_samples_total{unit=\"2\"}"), again);
                assertTrue(w.isValid(), "the exporter cleared valid");
                assertEquals(1.0, value(again, "ntpdshm_valid{unit=\"2\"}"), again);

                Path file = Files.createTempFile(Paths.get("target"), "scrape", ".txt");
                Files.write(file, again.getBytes(StandardCharsets.UTF_8));
                CPeer.Result lint = CPeer.run(Arrays.asList("sh", "-c", "'" + promtool + "' check metrics < '" + file
                        + "'"), 30);
                assertEquals(0, lint.exit, "promtool check metrics:\n" + lint.output + "\n" + again);
                assertEquals("", lint.output.trim(), "promtool's lint findings:\n" + lint.output);
                Files.delete(file);
                dashboardQueriesWhatIsServed(promtool, again);
            } finally {
                exp.process.destroy();
                Jar.Result r = exp.await(30);
                assertEquals(0, r.exit, "SIGTERM ends it normally: " + r);
            }
        }
    }

    @Test
    void aSegmentReplacedUnderItIsAttachedAgain() throws Exception {
        NtpdShm.open(segs.options(4, "panama").layout(ShmLayout.LP64).build()).close();
        Jar.Running exp = Jar.start("exporter", "--listen", "127.0.0.1:0", "--units", "4", "--key-base", kb,
                "--ntp-conf", "none", "--chrony-conf", "none");
        try {
            Matcher m = SERVING.matcher(exp.awaitLines(SERVING, 1, 60_000).get(0));
            assertTrue(m.matches());
            int port = Integer.parseInt(m.group(1));
            ShmSegment old = ShmSegment.ofKey(segs.key(4)).get();
            CPeer.run(Arrays.asList("ipcrm", "-m", Integer.toString(old.shmid())), 10);
            exp.awaitLines(Pattern.compile("# unit 4: segment removed"), 1, 20_000);
            assertEquals(0.0, value(scrape(port), "ntpdshm_segment_present{unit=\"4\"}"));
            try (NtpdShm w = NtpdShm.open(segs.options(4, "panama").layout(ShmLayout.LP64).build())) {
                Instant now = Instant.now();
                w.update(now.minusMillis(250), now);
                exp.awaitLines(Pattern.compile("# unit 4: segment attached \\(shmid \\d+\\)"), 1, 20_000);
                String text = scrape(port);
                assertEquals(1.0, value(text, "ntpdshm_segment_present{unit=\"4\"}"), text);
                assertEquals(-0.25, value(text, "ntpdshm_offset_seconds{unit=\"4\"}"), 1e-9, text);
            }
        } finally {
            exp.process.destroy();
            exp.await(30);
        }
        // the old segment was attached by the exporter until it noticed; after its exit nothing is left attached
        long end = System.currentTimeMillis() + 10_000;
        while (!segs.present().stream().allMatch(s -> s.attachCount() == 0) && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
    }

    @Test
    void aBadListenAddressIsAUsageError() throws Exception {
        Jar.Result r = Jar.run("exporter", "--listen", "nowhere", "--key-base", kb);
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.stderr().contains("is not HOST:PORT"), r.toString());
    }
}
