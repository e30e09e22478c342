/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.CPeer;
import io.github.ntpdshm.conformance.ReliabilitySummary;
import io.github.ntpdshm.conformance.StressPeer;
import io.github.ntpdshm.conformance.TestSegments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every subcommand end to end: target/ntpdshm.jar run as a process against real segments under a private key base.
 * Fixtures and checks use the API in this JVM (Panama backend).
 */
class CliIT {

    private static final String ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z";
    private static final String KEY = "0x[0-9a-f]{8}";
    private static final Pattern FEED_LINE = Pattern.compile("unit (\\d+)  receive (" + ISO + ")  clock (" + ISO
            + ")  offset -1\\.000000000 s  leap 0  precision -20  count (\\d+)");
    private static final Pattern FED = Pattern.compile("fed (\\d+) samples to unit (\\d+) \\(key (" + KEY
            + ")\\); detached, the segment stays");

    private final TestSegments segs = new TestSegments();
    private final String kb = "0x" + Integer.toHexString(segs.keyBase());

    @BeforeAll
    static void jarExists() {
        assertTrue(Files.isRegularFile(Jar.JAR), "build the jar first (mvn package): " + Jar.JAR);
        assertTrue(Runtime.version().feature() >= 22, "these tests run the jar with the Panama backend: run them on"
                + " JDK 22+ (the toolchain), not " + Runtime.version());
    }

    @AfterEach
    void cleanup() {
        List<ShmSegment> attached = segs.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    private String[] args(String... a) {
        List<String> l = new ArrayList<>(Arrays.asList(a));
        l.add("--key-base");
        l.add(kb);
        return l.toArray(new String[0]);
    }

    private NtpdShm create(int unit, ShmLayout layout, int permissions) {
        return NtpdShm.open(segs.options(unit, "panama").layout(layout).permissions(permissions).build());
    }

    private ShmSample peek(int unit) {
        try (NtpdShm h = NtpdShm.open(segs.options(unit, "panama").readOnly(true).build())) {
            ShmRead r = h.peek();
            assertEquals(ShmRead.Status.OK, r.status(), r.toString());
            return r.sample().get();
        }
    }

    private static Matcher matches(Pattern p, String line) {
        Matcher m = p.matcher(line);
        assertTrue(m.matches(), "line does not match " + p + ":\n" + line);
        return m;
    }

    private static void noStackTrace(Jar.Result r) {
        assertFalse(r.stderr().contains("\tat ") || r.stderr().contains("Exception in thread"), r.toString());
    }

    // ---- help, version, completion, usage errors ----------------------------------------------------------

    @Test
    void versionNamesTheToolJavaAndBackend() throws Exception {
        Jar.Result r = Jar.run("--version");
        assertEquals(0, r.exit, r.toString());
        matches(Pattern.compile("ntpdshm \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), r.out.get(0));
        matches(Pattern.compile("Java \\S+ \\(.*\\) at .+"), r.out.get(1));
        assertTrue(r.out.stream().anyMatch(l -> l.matches("backend panama \\(priority \\d+\\) \\(default\\)")), r.toString());
        assertEquals("", r.stderr());
    }

    @Test
    void everySubcommandHasHelp() throws Exception {
        for (String cmd : new String[] {"demo", "feed", "monitor", "bridge", "dump", "list", "remove", "completion"}) {
            Jar.Result r = Jar.run(cmd, "--help");
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.out.get(0).length() > 10, "a one-line header first: " + r);
            matches(Pattern.compile("Usage: ntpdshm " + cmd + " .*"), r.out.get(1));
            assertEquals("", r.stderr());
        }
        Jar.Result top = Jar.run("--help");
        assertEquals(0, top.exit);
        assertTrue(top.stdout().contains("Exit codes: 0 ok, 1 runtime failure, 2 usage error."), top.toString());
    }

    @Test
    void completionPrintsABashScript() throws Exception {
        Jar.Result r = Jar.run("completion");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.stdout().contains("complete -F"), r.toString());
        for (String word : new String[] {"feed", "monitor", "--key-base", "--offset"}) {
            assertTrue(r.stdout().contains(word), "completion lacks " + word);
        }
    }

    @Test
    void badArgumentsExitWith2AndAPointerToHelp() throws Exception {
        String[][] bad = {
            {},
            {"bogus"},
            {"feed"},
            {"feed", "--unit", "256"},
            {"feed", "--unit", "2", "--interval", "0"},
            {"feed", "--unit", "2", "--interval", "fast"},
            {"feed", "--unit", "2", "--precision", "5"},
            {"feed", "--unit", "2", "--leap", "4"},
            {"feed", "--unit", "2", "--layout", "LP33"},
            {"monitor", "--units", "7-3"},
            {"dump", "--unit", "2", "--key-base", "xyz"},
            {"remove", "--unit", "2", "--key-base", "0"},
        };
        for (String[] a : bad) {
            Jar.Result r = Jar.run(a);
            assertEquals(2, r.exit, Arrays.toString(a) + ": " + r);
            assertTrue(r.err.get(0).startsWith("ntpdshm"), Arrays.toString(a) + ": " + r);
            assertTrue(r.stderr().contains("Try 'ntpdshm"), Arrays.toString(a) + ": " + r);
            noStackTrace(r);
            assertEquals("", r.stdout(), Arrays.toString(a));
        }
        assertTrue(segs.present().isEmpty(), "a usage error created a segment: " + segs.present());
    }

    // ---- feed -----------------------------------------------------------------------------------------

    @Test
    void feedWritesSamplesOneLineEach() throws Exception {
        Jar.Result r = Jar.run(args("feed", "--unit", "2", "--offset", "-1.0", "--count", "3", "--interval", "10ms"));
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.get(0).startsWith("# feeding unit 2 (key " + segs.hexKey(2)), r.toString());
        for (int i = 1; i <= 3; i++) {
            Matcher m = matches(FEED_LINE, r.out.get(i));
            assertEquals("2", m.group(1));
            assertEquals(Instant.parse(m.group(2)).minusSeconds(1), Instant.parse(m.group(3)));
            assertEquals(2 * i, Integer.parseInt(m.group(4)));
        }
        Matcher fed = matches(FED, r.out.get(4));
        assertEquals("3", fed.group(1));
        assertEquals(segs.hexKey(2), fed.group(3));
        assertEquals(5, r.out.size(), r.toString());
        assertEquals("", r.stderr());

        ShmSample s = peek(2);
        assertEquals(-1_000_000_000L, s.offsetNanos());
        assertEquals(6, s.count());
        assertEquals(-20, s.precision());
        assertEquals(1, s.mode());
        assertTrue(s.hasNanoseconds());
        ShmSegment seg = ShmSegment.ofKey(segs.key(2)).get();
        assertEquals(0666, seg.permissions());
        assertEquals(96, seg.size());
        assertEquals(0, seg.attachCount());
    }

    @Test
    void feedQuietPrecisionLeapLayoutAndPermissions() throws Exception {
        Jar.Result r = Jar.run(args("feed", "--unit", "5", "--offset", "250ms", "--precision", "-10", "--leap", "1",
                "--count", "2", "--interval", "0.01", "--quiet", "--layout", "ilp32", "--permissions", "0640"));
        assertEquals(0, r.exit, r.toString());
        assertEquals(1, r.out.size(), r.toString());
        matches(FED, r.out.get(0));
        ShmSample s = peek(5);
        assertEquals(250_000_000L, s.offsetNanos());
        assertEquals(-10, s.precision());
        assertEquals(1, s.leap());
        ShmSegment seg = ShmSegment.ofKey(segs.key(5)).get();
        assertEquals(80, seg.size());
        assertEquals(0640, seg.permissions());
    }

    @Test
    void feedStopsCleanlyOnSigterm() throws Exception {
        stopFeed(3, p -> p.destroy());  // SIGTERM
    }

    @Test
    void feedStopsCleanlyOnSigint() throws Exception {
        // a JVM started with SIGINT ignored (a background job of a non-interactive shell) keeps it ignored
        org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this process tree");
        stopFeed(4, p -> {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static boolean sigintIgnored() throws java.io.IOException {
        for (String l : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (l.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(l.substring(7).trim(), 16) & (1L << 1)) != 0;  // bit 1 = signal 2
            }
        }
        return false;
    }

    private void stopFeed(int unit, java.util.function.Consumer<Process> signal) throws Exception {
        Jar.Running feed = Jar.start(args("feed", "--unit", Integer.toString(unit), "--offset", "-1.0",
                "--interval", "20ms"));
        try {
            feed.awaitLines(FEED_LINE, 3, 30_000);
            signal.accept(feed.process);
            Jar.Result r = feed.await(30);
            assertEquals(0, r.exit, r.toString());
            assertEquals("", r.stderr());
            int lines = 0;
            for (String l : r.out.subList(1, r.out.size() - 1)) {
                matches(FEED_LINE, l);
                lines++;
            }
            Matcher fed = matches(FED, r.out.get(r.out.size() - 1));
            assertEquals(lines, Integer.parseInt(fed.group(1)), "summary counts every sample line");
            ShmSample s = peek(unit);  // OK means valid=1 and count stable
            assertEquals(2 * lines, s.count(), "last sample complete: count even and 2 per sample");
            assertEquals(-1_000_000_000L, s.offsetNanos());
            assertEquals(0, ShmSegment.ofKey(segs.key(unit)).get().attachCount(), "the feed detached");
        } finally {
            feed.kill();
        }
    }

    @Test
    void feedStopsWhenStdoutCloses() throws Exception {
        // `ntpdshm feed ... | head -2`: must end on its own, detached
        Path script = Files.createTempFile("feed-head", ".sh");
        Files.write(script, ("'" + Jar.JAVA + "' -jar '" + Jar.JAR + "' feed --unit 13 --interval 10ms --key-base " + kb
                + " | head -2\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Process p = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "feed kept running after head ended");
        assertEquals(2, out.split("\n").length, out);
        Files.delete(script);
        long end = System.currentTimeMillis() + 10_000;
        while (ShmSegment.ofKey(segs.key(13)).get().attachCount() != 0 && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        assertEquals(0, ShmSegment.ofKey(segs.key(13)).get().attachCount(), "the feed detached");
    }

    @Test
    void feedRefusesASegmentOfAnotherSize() throws Exception {
        create(6, ShmLayout.ILP32, 0666).close();
        Jar.Result r = Jar.run(args("feed", "--unit", "6", "--layout", "LP64", "--count", "1"));
        assertEquals(1, r.exit, r.toString());
        assertEquals(1, r.err.size(), r.toString());
        assertTrue(r.stderr().startsWith("ntpdshm feed: shmget failed for unit 6 (key " + segs.hexKey(6)), r.toString());
        assertTrue(r.stderr().contains("EINVAL") && r.stderr().contains("80 bytes"), r.toString());
        noStackTrace(r);
        assertEquals("", r.stdout());
    }

    @Test
    void feedWithAnOffsetTheLayoutCannotHoldIsAUsageErrorThatCreatesNothing() throws Exception {
        Jar.Result r = Jar.run(args("feed", "--unit", "14", "--layout", "ILP32", "--offset", "1000000000", "--count", "1"));
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.stderr().contains("--offset 1000000000.000000000") && r.stderr().contains("ILP32"), r.toString());
        assertTrue(segs.present().isEmpty(), "a usage error left a segment: " + segs.present());
        r = Jar.run(args("feed", "--unit", "14", "--offset", "-9223372036.854775808", "--count", "1"));
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.stderr().contains("before 1970"), r.toString());
        assertTrue(segs.present().isEmpty(), "a usage error left a segment: " + segs.present());
        noStackTrace(r);
    }

    @Test
    void feedWarnsWhenUnit0WasPreparedBySomeoneElseWithLooserPermissions() throws Exception {
        create(0, ShmLayout.LP64, 0666).close();
        Jar.Result r = Jar.run(args("feed", "--unit", "0", "--count", "1", "--quiet"));
        assertEquals(0, r.exit, r.toString());
        assertEquals(1, r.err.size(), r.toString());
        assertTrue(r.stderr().startsWith("warning: unit 0") && r.stderr().contains("0666")
                && r.stderr().contains("0600"), r.toString());
    }

    @Test
    void feedReportsASecondWriter() throws Exception {
        try (NtpdShm other = create(15, ShmLayout.LP64, 0666)) {
            Jar.Running feed = Jar.start(args("feed", "--unit", "15", "--interval", "1ms", "--count", "400", "--quiet"));
            while (feed.process.isAlive()) {
                other.update(Instant.now(), Instant.now());
                Thread.sleep(2);
            }
            Jar.Result r = feed.await(60);
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.stderr().startsWith("warning: ") && r.stderr().contains("another writer on unit 15"),
                    r.toString());
        }
    }

    @Test
    void feedHeaderPrintsTheMostNegativeOffsetWithOneSign() {
        assertEquals("- 9223372036.854775808 s", Feed.sign(Long.MIN_VALUE));
        assertEquals("+ 0.500000000 s", Feed.sign(500_000_000L));
        assertEquals("-9223372036.854775808", Fmt.seconds(Long.MIN_VALUE));
    }

    // ---- demo ---------------------------------------------------------------------------------------------

    @Test
    void demoWritesAndReadsBackTheOffByOneClock() throws Exception {
        Jar.Result r = Jar.run(args("demo", "--seconds", "2"));
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.stderr());
        List<String> out = r.out;
        matches(Pattern.compile("ntpdshm demo: a reference clock exactly 1 s behind this machine's clock\\."), out.get(0));
        matches(Pattern.compile("  writer: unit 2, key " + segs.hexKey(2) + ", LP64 .*, backend panama, one sample a"
                + " second for 2 s"), out.get(1));
        matches(Pattern.compile("  reader: .*read-only \\(SHM_RDONLY\\).*"), out.get(2));
        Pattern wrote = Pattern.compile("wrote unit 2: clock (" + ISO + ") = receive (" + ISO + ") - 1\\.000000000 s");
        Pattern read = Pattern.compile("read  unit 2: OK offset -1\\.000000000 s leap 0 precision -20 count (\\d+)");
        for (int i = 0; i < 2; i++) {
            Matcher w = matches(wrote, out.get(3 + 2 * i));
            assertEquals(Instant.parse(w.group(2)).minusSeconds(1), Instant.parse(w.group(1)));
            assertEquals(2 * (i + 1), Integer.parseInt(matches(read, out.get(4 + 2 * i)).group(1)));
        }
        matches(Pattern.compile("done: 2 samples written, 2 read back\\. Both handles detached; the segment stays in"
                + " place, as ntpd and gpsd leave theirs\\."), out.get(7));
        assertEquals("  look at it:  ntpdshm dump --unit 2 --key-base " + kb, out.get(8));
        assertEquals("  remove it:   ntpdshm remove --unit 2 --key-base " + kb, out.get(9));
        ShmSegment seg = ShmSegment.ofKey(segs.key(2)).orElseThrow(() -> new AssertionError("the demo removed its segment"));
        assertEquals(0, seg.attachCount());
        assertEquals(-1_000_000_000L, peek(2).offsetNanos());
    }

    // ---- monitor --------------------------------------------------------------------------------------------

    @Test
    void monitorShowsNewSamplesReadOnly() throws Exception {
        create(1, ShmLayout.LP64, 0600).close();  // exists before the monitor starts
        Jar.Running mon = Jar.start(args("monitor", "--units", "0-3", "--count", "3", "--timeout", "60"));
        try {
            mon.awaitLines(Pattern.compile("#\\s+unit\\s+seen.*"), 1, 30_000);
            Jar.Result feed = Jar.run(args("feed", "--unit", "1", "--offset", "-1.0", "--count", "3", "--interval", "300ms",
                    "--quiet"));
            assertEquals(0, feed.exit, feed.toString());
            Jar.Result r = mon.await(60);
            assertEquals(0, r.exit, r.toString());
            assertEquals("", r.stderr());
            matches(Pattern.compile("# ntpdshm monitor: units 0-3 under key base " + kb + ", read-only.*"), r.out.get(0));
            Pattern sample = Pattern.compile("sample\\s+1 (" + ISO + ") (" + ISO + ") (" + ISO
                    + ")\\s+-1\\.000000000\\s+0\\s+-20 (\\d+)");
            List<Integer> counts = new ArrayList<>();
            for (String l : r.out.subList(2, r.out.size() - 1)) {
                Matcher m = matches(sample, l);
                assertEquals(Instant.parse(m.group(2)).minusSeconds(1), Instant.parse(m.group(3)));
                assertFalse(Instant.parse(m.group(1)).isBefore(Instant.parse(m.group(2))), "seen before receive: " + l);
                counts.add(Integer.parseInt(m.group(4)));
            }
            assertEquals(Arrays.asList(2, 4, 6), counts, r.toString());
            matches(Pattern.compile("# 3 samples from unit 1 in \\d+\\.\\d{3} s, \\d+ clash(es)? .*"), r.out.get(r.out.size() - 1));
            ShmSample s = peek(1);
            assertEquals(6, s.count());
        } finally {
            mon.kill();
        }
        try (NtpdShm h = NtpdShm.open(segs.options(1, "panama").readOnly(true).build())) {
            assertTrue(h.isValid(), "the monitor cleared valid");
        }
    }

    @Test
    void monitorStopsOnSigtermWithASummaryAndDetaches() throws Exception {
        try (NtpdShm w = create(2, ShmLayout.LP64, 0666)) {
            w.update(Instant.now().minusSeconds(1), Instant.now());
        }
        Jar.Running mon = Jar.start(args("monitor", "--units", "2"));
        try {
            mon.awaitLines(Pattern.compile("sample\\s+2 .*"), 1, 30_000);
            assertEquals(1, ShmSegment.ofKey(segs.key(2)).get().attachCount());
            mon.process.destroy();
            Jar.Result r = mon.await(30);
            assertEquals(0, r.exit, r.toString());
            assertEquals("", r.stderr());
            matches(Pattern.compile("# 1 sample from unit 2 in \\d+\\.\\d{3} s, 0 clashes .*"), r.out.get(r.out.size() - 1));
            assertEquals(0, ShmSegment.ofKey(segs.key(2)).get().attachCount(), "the monitor detached");
        } finally {
            mon.kill();
        }
    }

    @Test
    void monitorJsonLinesParse() throws Exception {
        Jar.Result feed = Jar.run(args("feed", "--unit", "3", "--offset", "-0.000123456", "--count", "1", "--quiet"));
        assertEquals(0, feed.exit, feed.toString());
        Jar.Result r = Jar.run(args("monitor", "--json", "--units", "all", "--count", "1", "--timeout", "30"));
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.stderr());
        assertEquals(2, r.out.size(), r.toString());
        Map<String, Object> s = Json.object(r.out.get(0));
        assertEquals("sample", s.get("type"));
        assertEquals(new BigDecimal(3), s.get("unit"));
        assertEquals(segs.hexKey(3), s.get("key"));
        assertEquals(new BigDecimal(-123456), s.get("offset_ns"));
        assertEquals(0, new BigDecimal("-0.000123456").compareTo((BigDecimal) s.get("offset_s")));
        assertEquals(new BigDecimal(0), s.get("leap"));
        assertEquals(new BigDecimal(-20), s.get("precision"));
        assertEquals(new BigDecimal(2), s.get("count"));
        assertEquals(Boolean.TRUE, s.get("nanoseconds"));
        for (String t : new String[] {"seen", "receive", "clock"}) {
            assertTrue(((String) s.get(t)).matches(ISO), t + ": " + s.get(t));
        }
        assertEquals(Instant.parse((String) s.get("receive")).minusNanos(123456), Instant.parse((String) s.get("clock")));
        Map<String, Object> sum = Json.object(r.out.get(1));
        assertEquals("summary", sum.get("type"));
        assertEquals(new BigDecimal(1), sum.get("samples"));
        assertEquals(Arrays.asList(new BigDecimal(3)), sum.get("units"));
    }

    @Test
    void monitorWithNothingToWatchEndsOnTimeout() throws Exception {
        Jar.Result r = Jar.run(args("monitor", "--units", "9", "--timeout", "300ms"));
        assertEquals(0, r.exit, r.toString());
        matches(Pattern.compile("# 0 samples from no unit in \\d+\\.\\d{3} s, 0 clashes .*"), r.out.get(r.out.size() - 1));
        assertTrue(segs.present().isEmpty(), "the monitor created a segment");
    }

    // ---- dump ---------------------------------------------------------------------------------------------

    @Test
    void dumpShowsEveryFieldAndTheSegment() throws Exception {
        try (NtpdShm w = create(4, ShmLayout.ILP32_TIME64, 0644)) {
            w.setPrecision(-12);
            w.setNsamples(3);
            w.update(Instant.parse("2026-01-02T03:04:05.123456789Z"), Instant.parse("2026-01-02T03:04:06.123456789Z"));
        }
        Jar.Result r = Jar.run(args("dump", "--unit", "4"));
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.stderr());
        String[][] expect = {
            {"unit 4  key " + segs.hexKey(4) + "  ILP32_TIME64 \\(88 bytes.*\\)  backend panama  \\(read-only\\)"},
            {"fields"},
            {"  mode\\s+1"}, {"  count\\s+2"}, {"  clockTimeStampSec\\s+1767323045"}, {"  clockTimeStampUSec\\s+123456"},
            {"  clockTimeStampNSec\\s+123456789"}, {"  receiveTimeStampSec\\s+1767323046"},
            {"  receiveTimeStampUSec\\s+123456"}, {"  receiveTimeStampNSec\\s+123456789"}, {"  leap\\s+0"},
            {"  precision\\s+-12"}, {"  nsamples\\s+3"}, {"  valid\\s+1"},
            {"sample"},
            {"  clockTimeStamp\\s+2026-01-02T03:04:05\\.123456789Z  .*"},
            {"  receiveTimeStamp\\s+2026-01-02T03:04:06\\.123456789Z  .*"},
            {"  offset\\s+-1\\.000000000 s  .*"},
            {"  nanoseconds\\s+yes .*"},
            {"  age\\s+\\d+\\.\\d{3} s  \\(now - receive time\\)"},
            {"  peek\\s+OK .*"},
            {"segment"},
            {"  key\\s+" + segs.hexKey(4)}, {"  shmid\\s+\\d+"}, {"  size\\s+88 bytes \\(layout ILP32_TIME64 .*\\)"},
            {"  layout from\\s+the segment's size; a new segment here would get LP64 \\(96 bytes, 64-bit time_t\\), .*"},
            {"  owner\\s+uid 0 \\(root\\), gid 0"}, {"  creator\\s+uid 0 \\(root\\), gid 0"},
            {"  permissions\\s+0644"}, {"  attaches\\s+0  .*"}, {"  creator pid\\s+" + ProcessHandle.current().pid()},
            {"  last pid\\s+" + ProcessHandle.current().pid() + "  .*"}, {"  last attach\\s+" + ISO},
            {"  last detach\\s+" + ISO}, {"  last change\\s+" + ISO}, {"  marked for removal\\s+no"},
        };
        assertEquals(expect.length, r.out.size(), r.toString());
        for (int i = 0; i < expect.length; i++) {
            matches(Pattern.compile(expect[i][0]), r.out.get(i));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void dumpJsonParses() throws Exception {
        try (NtpdShm w = create(7, ShmLayout.LP64, 0666)) {
            w.update(Instant.now().minusSeconds(1), Instant.now());
        }
        Jar.Result r = Jar.run(args("dump", "--unit", "7", "--json"));
        assertEquals(0, r.exit, r.toString());
        assertEquals(1, r.out.size(), r.toString());
        Map<String, Object> j = Json.object(r.out.get(0));
        assertEquals(new BigDecimal(7), j.get("unit"));
        assertEquals("LP64", j.get("layout"));
        Map<String, Object> fields = (Map<String, Object>) j.get("fields");
        assertEquals(Arrays.asList("mode", "count", "clockTimeStampSec", "clockTimeStampUSec", "clockTimeStampNSec",
                "receiveTimeStampSec", "receiveTimeStampUSec", "receiveTimeStampNSec", "leap", "precision", "nsamples",
                "valid"), new ArrayList<>(fields.keySet()));
        assertEquals(new BigDecimal(1), fields.get("valid"));
        assertTrue(((String) j.get("clockTimeStamp")).matches(ISO));
        assertTrue(((BigDecimal) j.get("age_s")).signum() >= 0);
        assertEquals("OK", j.get("peek"));
        Map<String, Object> seg = (Map<String, Object>) j.get("segment");
        assertEquals(segs.hexKey(7), seg.get("key"));
        assertEquals(new BigDecimal(96), seg.get("size"));
        assertEquals("root", seg.get("user"));
        assertEquals("0666", seg.get("permissions"));
        assertEquals(new BigDecimal(0), seg.get("attaches"));
        assertEquals(Boolean.FALSE, seg.get("markedForRemoval"));
    }

    @Test
    void dumpCallsAnOddCountThatStaysPutNotTornAndAHugeReceiveTimeInTheFuture() throws Exception {
        try (NtpdShm w = create(16, ShmLayout.LP64, 0666)) {
            w.update(Instant.now(), Instant.now());
            w.setCount(7);  // a writer died between its two increments
        }
        Jar.Result r = Jar.run(args("dump", "--unit", "16"));
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("fields"), "not called torn: " + r);
        try (NtpdShm w = NtpdShm.open(segs.options(16, "panama").build())) {
            w.setReceiveTimeStampSec(9_300_000_000L);  // the year 2264
            w.setClockTimeStampSec(0);
        }
        r = Jar.run(args("dump", "--unit", "16", "--json"));
        assertEquals(0, r.exit, r.toString());
        Map<String, Object> j = Json.object(r.out.get(0));
        assertEquals(Boolean.FALSE, j.get("torn"));
        assertTrue(((BigDecimal) j.get("age_ns")).signum() < 0, "a receive time in 2264 is in the future: " + r);
        assertTrue(((BigDecimal) j.get("offset_ns")).signum() < 0, "clock 1970 is behind receive 2264: " + r);
    }

    /** The reliability group's hostile segments through the tool: every command answers, none throws. */
    @Test
    @org.junit.jupiter.api.Tag("reliability")
    void hostileSegmentsThroughTheTool() throws Exception {
        ReliabilitySummary summary = new ReliabilitySummary();
        long start = System.nanoTime();
        String[][] cases = {
            {"LP64", "mode=7", "valid=1"},
            {"LP64", "mode=1", "valid=1", "clockTimeStampSec=9223372036854775807",
                "receiveTimeStampSec=-9223372036854775808"},
            {"LP64", "mode=1", "valid=1", "clockTimeStampSec=-9223372036854775808",
                "receiveTimeStampSec=9223372036854775807"},
            {"ILP32_TIME64", "mode=1", "valid=-1", "receiveTimeStampSec=9223372036854775807", "count=7"},
            {"ILP32", "mode=0", "valid=2", "clockTimeStampNSec=4294967295", "receiveTimeStampNSec=1000000000",
                "clockTimeStampUSec=-1"},
            {"ILP32", "mode=1", "valid=1", "count=-1", "leap=-5", "precision=99", "nsamples=-2147483648"},
        };
        int unit = 20;
        for (String[] c : cases) {
            ShmLayout layout = ShmLayout.valueOf(c[0]);
            create(unit, layout, 0666).close();
            List<String> w = new ArrayList<>(Arrays.asList("write", segs.hexKey(unit)));
            w.addAll(Arrays.asList(c).subList(1, c.length));
            CPeer.of(layout).call(w.toArray(new String[0]));
            String what = String.join(" ", c);
            Jar.Result text = Jar.run(args("dump", "--unit", Integer.toString(unit)));
            assertEquals(0, text.exit, what + "\n" + text);
            assertEquals("", text.stderr(), what);
            Jar.Result json = Jar.run(args("dump", "--unit", Integer.toString(unit), "--json"));
            assertEquals(0, json.exit, what + "\n" + json);
            Json.object(json.out.get(0));
            summary.add("cli_hostile", "cases", 1);
            unit++;
        }
        for (int size : new int[] {1, 40, 79, 81, 95, 97, 4096}) {
            StressPeer.of(ShmLayout.LP64).call("create", segs.hexKey(unit), Integer.toString(size), "7");
            Jar.Result r = Jar.run(args("dump", "--unit", Integer.toString(unit)));
            assertEquals(1, r.exit, r.toString());
            assertEquals(1, r.err.size(), r.toString());
            assertTrue(r.stderr().contains("EINVAL") && r.stderr().contains(size + " bytes"), r.toString());
            noStackTrace(r);
            summary.add("cli_hostile", "cases", 1);
            unit++;
        }
        Jar.Result list = Jar.run(args("list"));
        assertEquals(0, list.exit, list.toString());
        assertEquals("", list.stderr());
        assertEquals(unit - 20, list.out.stream().filter(l -> l.matches("\\s*\\d+\\s+0x.*")).count(),
                "one row per segment: " + list);
        Jar.Result monitor = Jar.run(args("monitor", "--units", "all", "--count", "1", "--timeout", "1s"));
        noStackTrace(monitor);
        assertTrue(monitor.exit == 0 || monitor.exit == 1, monitor.toString());
        summary.add("cli_hostile", "cases", 2);
        segs.removeAll();
        summary.write("cli", (System.nanoTime() - start) / 1_000_000, segs.present().size());
    }

    @Test
    void dumpOfAMissingUnitSaysENOENT() throws Exception {
        Jar.Result r = Jar.run(args("dump", "--unit", "8"));
        assertEquals(1, r.exit, r.toString());
        assertEquals(1, r.err.size(), r.toString());
        assertTrue(r.err.get(0).startsWith("ntpdshm dump: shmget failed for unit 8 (key " + segs.hexKey(8)
                + ", backend panama): ENOENT (No such file or directory); no segment exists for this key yet."), r.toString());
        assertTrue(segs.present().isEmpty(), "dump created a segment");
    }

    @Test
    void dumpWithTheWrongLayoutSaysEINVAL() throws Exception {
        create(9, ShmLayout.ILP32, 0666).close();
        Jar.Result r = Jar.run(args("dump", "--unit", "9", "--layout", "LP64"));
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.stderr().startsWith("ntpdshm dump: "), r.toString());
        assertTrue(r.stderr().contains("EINVAL") && r.stderr().contains("ILP32"), r.toString());
        noStackTrace(r);
    }

    @Test
    void debugAddsTheStackTrace() throws Exception {
        Jar.Result r = Jar.run(args("dump", "--unit", "8", "--debug"));
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.stderr().contains("NtpdShmException") && r.stderr().contains("\tat "), r.toString());
    }

    // ---- permissions ------------------------------------------------------------------------------------

    @Test
    void nobodyIsDeniedA0600SegmentButListsIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "setpriv --reuid needs root");
        try (NtpdShm w = create(10, ShmLayout.LP64, 0600)) {
            w.update(Instant.now().minusSeconds(1), Instant.now());
        }
        Jar.Result dump = Jar.runAsNobody(args("dump", "--unit", "10"));
        assertEquals(1, dump.exit, dump.toString());
        assertEquals(1, dump.err.size(), dump.toString());
        // shmget(key, 0, 0) asks for no access; the kernel checks read permission at IPC_STAT / shmat
        matches(Pattern.compile("ntpdshm dump: \\S+ failed for unit 10 \\(key " + segs.hexKey(10)
                + ", backend panama\\): EACCES .*"), dump.err.get(0));
        assertTrue(dump.err.get(0).contains("EACCES (Permission denied); the segment belongs to uid 0 with permissions 0600"
                + " and this process runs as uid 65534"), dump.toString());

        Jar.Result list = Jar.runAsNobody(args("list"));
        assertEquals(0, list.exit, list.toString());
        assertEquals("", list.stderr());
        matches(Pattern.compile("\\s*10\\s+" + segs.hexKey(10) + "\\s+96 LP64\\s+root\\s+0600\\s+0\\s+-\\s+-"), list.out.get(1));
    }

    private static boolean isRoot() throws java.io.IOException {
        for (String l : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (l.startsWith("Uid:")) {
                return l.substring(4).trim().split("\\s+")[1].equals("0");
            }
        }
        return false;
    }

    // ---- list ---------------------------------------------------------------------------------------------

    @Test
    void listShowsOneRowPerSegment() throws Exception {
        Jar.Result empty = Jar.run(args("list"));
        assertEquals(0, empty.exit, empty.toString());
        assertEquals("no NTP SHM segments under key base " + kb + " (keys " + kb + ".." + segs.hexKey(255) + ")",
                empty.out.get(0));
        // which evidence decides a new segment's layout: this host's daemons are 64-bit, or absent on a 64-bit JVM
        matches(Pattern.compile("# layout of a new segment here: LP64 \\(96 bytes, 64-bit time_t\\), (as the local daemons"
                + " read it \\(.*64-bit program.*\\)|this 64-bit JVM's C default \\(no ntpd, chronyd or gpsd program found .*\\))"),
                empty.out.get(1));
        assertEquals(2, empty.out.size(), empty.toString());
        create(0, ShmLayout.ILP32, 0600).close();
        try (NtpdShm w = create(255, ShmLayout.LP64, 0666)) {
            w.update(Instant.now().minusSeconds(1), Instant.now());
            Jar.Result r = Jar.run(args("list"));
            assertEquals(0, r.exit, r.toString());
            assertEquals(4, r.out.size(), r.toString());
            matches(Pattern.compile("unit\\s+key\\s+bytes\\s+layout\\s+owner\\s+perms\\s+attach\\s+age\\s+valid"), r.out.get(0));
            matches(Pattern.compile("\\s+0\\s+" + segs.hexKey(0) + "\\s+80 ILP32\\s+root\\s+0600\\s+0\\s+never\\s+0"), r.out.get(1));
            matches(Pattern.compile("\\s*255\\s+" + segs.hexKey(255) + "\\s+96 LP64\\s+root\\s+0666\\s+1\\s+\\d+\\.\\d{3} s\\s+1"),
                    r.out.get(2));
        }
    }

    // ---- remove -------------------------------------------------------------------------------------------

    @Test
    void removeRefusesWhileAttachedUnlessForced() throws Exception {
        try (NtpdShm w = create(11, ShmLayout.LP64, 0666)) {
            Jar.Result r = Jar.run(args("remove", "--unit", "11"));
            assertEquals(1, r.exit, r.toString());
            long pid = ProcessHandle.current().pid();
            assertEquals("ntpdshm remove: unit 11 (key " + segs.hexKey(11) + ") is attached by 1 process (creator PID "
                    + pid + ", last attach/detach by PID " + pid + "; `ipcs -mp` shows them); refusing to remove it."
                    + " Stop them first, or use --force: the segment then disappears once they detach.", r.stderr());
            assertTrue(ShmSegment.ofKey(segs.key(11)).isPresent());

            Jar.Result forced = Jar.run(args("remove", "--unit", "11", "--force"));
            assertEquals(0, forced.exit, forced.toString());
            matches(Pattern.compile("marked unit 11 \\(key " + segs.hexKey(11) + "\\) for removal: it disappears once its 1"
                    + " attached process detach \\(creator PID \\d+, last attach/detach by PID \\d+\\)"), forced.out.get(0));
            assertFalse(ShmSegment.ofKey(segs.key(11)).isPresent(), "the key is free at once");
        }
    }

    @Test
    void removeDeletesAnUnusedSegmentAndSaysENOENTAfterwards() throws Exception {
        create(12, ShmLayout.LP64, 0666).close();
        Jar.Result r = Jar.run(args("remove", "--unit", "12"));
        assertEquals(0, r.exit, r.toString());
        assertEquals(Arrays.asList("removed unit 12 (key " + segs.hexKey(12) + "): 96 bytes, owner root, permissions 0666"), r.out);
        assertFalse(ShmSegment.ofKey(segs.key(12)).isPresent());
        Jar.Result again = Jar.run(args("remove", "--unit", "12"));
        assertEquals(1, again.exit, again.toString());
        assertTrue(again.stderr().startsWith("ntpdshm remove: no segment for unit 12 (key " + segs.hexKey(12)
                + "): ENOENT (No such file or directory); nothing to remove."), again.toString());
    }

    @Test
    void onAnOlderJavaWithoutItsBackendItSaysWhatToDo() throws Exception {
        Path old = null;
        try (java.util.stream.Stream<Path> homes = Files.list(Paths.get("/usr/lib/jvm"))) {
            for (Path h : (Iterable<Path>) homes::iterator) {
                Path release = h.resolve("release");
                if (Files.isExecutable(h.resolve("bin/java")) && Files.isReadable(release)
                        && new String(Files.readAllBytes(release), java.nio.charset.StandardCharsets.UTF_8)
                        .matches("(?s).*JAVA_VERSION=\"(1[1-9]|2[01])[.\"].*")) {
                    old = h.resolve("bin/java");
                }
            }
        } catch (java.io.IOException e) {
            // no /usr/lib/jvm
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(old != null, "no Java 11..21 under /usr/lib/jvm");
        Jar.Result r = Jar.start(Arrays.asList(old.toString(), "-jar", Jar.JAR.toString(), "dump", "--unit", "1",
                "--key-base", kb), null).await(60);
        assertEquals(1, r.exit, r.toString());
        if (r.stderr().contains("no usable ntpdshm backend")) {
            // the jar holds only the Panama backend: the user is told to use a newer Java
            assertEquals(2, r.err.size(), r.toString());
            assertTrue(r.err.get(0).startsWith("ntpdshm dump: no usable ntpdshm backend."), r.toString());
            matches(Pattern.compile("ntpdshm dump: this is Java \\d+; the Panama backend needs Java 22 or newer: .*"),
                    r.err.get(1));
        } else {
            // with the JNA/JNR backends inside, it works on the older Java too
            assertTrue(r.err.get(0).startsWith("ntpdshm dump: shmget failed for unit 1 (key " + segs.hexKey(1)
                    + ", backend jn"), r.toString());
            assertTrue(r.err.get(0).contains("ENOENT"), r.toString());
        }
    }

    // ---- the launcher script ------------------------------------------------------------------------------

    @Test
    void launcherScriptFindsTheJarAndAJava22() throws Exception {
        Path script = Paths.get(System.getProperty("ntpdshm.script", "src/main/sh/ntpdshm")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), "--version");
        pb.environment().remove("JAVA_HOME");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("ntpdshm "), out);
        assertTrue(out.contains("backend panama (priority 30) (default)"), "the script did not pick a Java 22+:\n" + out);
    }

    // ---- chrony's SOCK refclock: feed --sock, monitor --sock, bridge ------------------------------------------

    private static final Pattern SOCK_SAMPLE = Pattern.compile("sample\\s+(" + ISO + ") (" + ISO + ") (" + ISO
            + ")\\s+(-?\\d+\\.\\d{9})\\s+(\\d)\\s+(\\d)");

    /** A fresh socket path under target/ (sun_path holds 107 bytes, so the folder has a short name). */
    private static Path sockPath(String name) throws java.io.IOException {
        Path dir = Paths.get("target", "cli-sock").toAbsolutePath();
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        Files.deleteIfExists(p);
        return p;
    }

    @Test
    void feedSockSendsWhatMonitorSockShows() throws Exception {
        Path p = sockPath("feed.sock");
        Jar.Running mon = Jar.start("monitor", "--sock", p.toString(), "--count", "3", "--timeout", "60");
        try {
            mon.awaitLines(Pattern.compile("#\\s+seen\\s+receive \\(tv\\).*"), 1, 30_000);
            assertTrue(Files.exists(p), "the monitor binds the path");
            Jar.Result feed = Jar.run("feed", "--sock", p.toString(), "--offset", "-1.0", "--leap", "1", "--count", "3",
                    "--interval", "100ms");
            assertEquals(0, feed.exit, feed.toString());
            assertEquals("", feed.stderr());
            matches(Pattern.compile("# feeding " + Pattern.quote(p.toString()) + " \\(chrony SOCK, 40 bytes, 64-bit"
                    + " time_t, backend panama\\): clock = receive - 1\\.000000000 s every 0\\.1 s; Ctrl-C stops"),
                    feed.out.get(0));
            for (int i = 1; i <= 3; i++) {
                matches(Pattern.compile("sock " + Pattern.quote(p.toString()) + "  receive " + ISO + "  clock " + ISO
                        + "  offset -1\\.000000000 s  leap 1  pulse 0  sent"), feed.out.get(i));
            }
            assertEquals("fed 3 samples to " + p + " (3 sent, 0 dropped: nothing listened or its buffer was full)",
                    feed.out.get(4));
            Jar.Result r = mon.await(60);
            assertEquals(0, r.exit, r.toString());
            assertEquals("", r.stderr());
            assertEquals("# ntpdshm monitor: listening on " + p + " as chrony's SOCK refclock (40 bytes, 64-bit"
                    + " time_t, backend panama); Ctrl-C stops", r.out.get(0));
            for (String l : r.out.subList(2, 5)) {
                Matcher m = matches(SOCK_SAMPLE, l);
                assertEquals(Instant.parse(m.group(2)).minusSeconds(1), Instant.parse(m.group(3)));
                assertEquals("-1.000000000", m.group(4));
                assertEquals("1", m.group(5));
                assertEquals("0", m.group(6));
            }
            matches(Pattern.compile("# 3 samples and 0 invalid datagrams on " + Pattern.quote(p.toString())
                    + " in \\d+\\.\\d{3} s; socket file removed"), r.out.get(5));
            assertFalse(Files.exists(p), "the monitor removes its socket file");
        } finally {
            mon.kill();
        }
    }

    @Test
    void monitorSockRefusesAPathSomethingListensOnAndStopsCleanlyOnSigterm() throws Exception {
        Path p = sockPath("busy.sock");
        Jar.Running first = Jar.start("monitor", "--sock", p.toString());
        try {
            first.awaitLines(Pattern.compile("#\\s+seen\\s+receive \\(tv\\).*"), 1, 30_000);
            Jar.Result second = Jar.run("monitor", "--sock", p.toString(), "--count", "1");
            assertEquals(1, second.exit, second.toString());
            noStackTrace(second);
            assertTrue(second.stderr().contains("bind failed for socket " + p + " (backend panama): something already"
                    + " listens there"), second.toString());
            assertTrue(Files.exists(p), "the listener's socket stays");
            first.process.destroy();
            Jar.Result r = first.await(30);
            assertEquals(0, r.exit, r.toString());
            assertEquals("", r.stderr());
            assertTrue(r.out.get(r.out.size() - 1).startsWith("# 0 samples and 0 invalid datagrams on " + p), r.toString());
            assertFalse(Files.exists(p), "SIGTERM still removes the socket file");
        } finally {
            first.kill();
        }
    }

    @Test
    void feedSockWithNothingListeningSaysSoOnceAndKeepsGoing() throws Exception {
        Path p = sockPath("nobody.sock");
        Jar.Result r = Jar.run("feed", "--sock", p.toString(), "--count", "3", "--interval", "10ms", "--quiet");
        assertEquals(0, r.exit, r.toString());
        assertEquals(Arrays.asList("ntpdshm feed: sendto failed for socket " + p + " (backend panama): ENOENT (No such"
                + " file or directory); nothing listens there: chronyd creates the socket when it starts with"
                + " `refclock SOCK " + p + "`; the sample is dropped and the next one is sent again."), r.err);
        assertEquals(Arrays.asList("fed 3 samples to " + p + " (0 sent, 3 dropped: nothing listened or its buffer was"
                + " full)"), r.out);
    }

    @Test
    void feedTakesEitherAUnitOrASocket() throws Exception {
        Jar.Result neither = Jar.run("feed", "--count", "1");
        assertEquals(2, neither.exit, neither.toString());
        assertTrue(neither.stderr().contains("give either --unit N (an SHM unit) or --sock PATH"), neither.toString());
        Jar.Result pulse = Jar.run(args("feed", "--unit", "2", "--pulse", "--count", "1"));
        assertEquals(2, pulse.exit, pulse.toString());
        assertTrue(pulse.stderr().contains("--pulse goes with --sock"), pulse.toString());
        Jar.Result leap = Jar.run("feed", "--sock", sockPath("x.sock").toString(), "--leap", "3");
        assertEquals(2, leap.exit, leap.toString());
        Jar.Result bridge = Jar.run(args("bridge", "--from-unit", "2", "--to-unit", "3"));
        assertEquals(2, bridge.exit, bridge.toString());
        assertTrue(bridge.stderr().contains("give --from-unit N --to-sock PATH, or --from-sock PATH --to-unit N"),
                bridge.toString());
    }

    @Test
    void bridgeForwardsAnShmUnitToASocketSampleBySample() throws Exception {
        create(3, ShmLayout.LP64, 0666).close();  // no valid sample yet: only what the feeder writes is forwarded
        Path p = sockPath("from-shm.sock");
        Jar.Running mon = Jar.start("monitor", "--sock", p.toString(), "--count", "3", "--timeout", "60");
        Jar.Running bridge = null;
        try {
            mon.awaitLines(Pattern.compile("#\\s+seen\\s+receive \\(tv\\).*"), 1, 30_000);
            bridge = Jar.start(args("bridge", "--from-unit", "3", "--to-sock", p.toString(), "--count", "3",
                    "--timeout", "60"));
            bridge.awaitLines(Pattern.compile("# bridging unit 3 .*"), 1, 30_000);
            Jar.Result feed = Jar.run(args("feed", "--unit", "3", "--offset", "-1.0", "--count", "3", "--interval",
                    "500ms", "--quiet"));
            assertEquals(0, feed.exit, feed.toString());
            Jar.Result b = bridge.await(60);
            assertEquals(5, b.out.size(), b.toString());
            assertEquals(0, b.exit, b.toString());
            assertEquals("", b.stderr());
            for (String l : b.out.subList(1, 4)) {
                matches(Pattern.compile("unit 3 -> sock  receive " + ISO + "  clock " + ISO
                        + "  offset -1\\.000000000 s  leap 0  sent"), l);
            }
            matches(Pattern.compile("# forwarded 3 samples, skipped 0 .*"), b.out.get(4));
            Jar.Result r = mon.await(60);
            assertEquals(0, r.exit, r.toString());
            for (String l : r.out.subList(2, 5)) {
                assertEquals("-1.000000000", matches(SOCK_SAMPLE, l).group(4));
            }
            try (NtpdShm h = NtpdShm.open(segs.options(3, "panama").readOnly(true).build())) {
                assertTrue(h.isValid(), "the bridge reads the unit read-only and never clears valid");
            }
        } finally {
            mon.kill();
            if (bridge != null) {
                bridge.kill();
            }
        }
    }

    @Test
    void bridgeWritesWhatASocketReceivesIntoAnShmUnit() throws Exception {
        Path p = sockPath("to-shm.sock");
        Jar.Running bridge = Jar.start(args("bridge", "--from-sock", p.toString(), "--to-unit", "4", "--count", "3",
                "--timeout", "60"));
        try {
            bridge.awaitLines(Pattern.compile("# bridging .* -> unit 4 .*"), 1, 30_000);
            Jar.Result pulse = Jar.run("feed", "--sock", p.toString(), "--pulse", "--count", "1", "--quiet");
            assertEquals(0, pulse.exit, pulse.toString());
            bridge.awaitLines(Pattern.compile("# skipped a pulse-only sample: SHM has no pulse flag"), 1, 30_000);
            Jar.Result feed = Jar.run("feed", "--sock", p.toString(), "--offset", "-1.0", "--leap", "2", "--count", "3",
                    "--interval", "100ms", "--quiet");
            assertEquals(0, feed.exit, feed.toString());
            Jar.Result b = bridge.await(60);
            assertEquals(0, b.exit, b.toString());
            assertEquals("", b.stderr());
            matches(Pattern.compile("# forwarded 3 samples, skipped 1 .*"), b.out.get(b.out.size() - 1));
            ShmSample s = peek(4);
            assertEquals(-1_000_000_000L, s.offsetNanos(), "tv + offset, to the nanosecond");
            assertEquals(2, s.leap());
            assertEquals(6, s.count(), "three samples, gpsd's sequence each");
            assertEquals(0, s.receiveNanos() % 1000, "tv has microseconds");
            assertFalse(Files.exists(p), "the bridge removes its socket file");
        } finally {
            bridge.kill();
        }
    }
}
