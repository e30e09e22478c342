/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.ChronySock;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.CPeer;
import io.github.ntpdshm.conformance.TestSegments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a first use of the tool showed (issue 15, item 4), end to end through target/ntpdshm.jar. */
class CliFixesIT {

    private final TestSegments segs = new TestSegments();
    private final String kb = "0x" + Integer.toHexString(segs.keyBase());

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

    private NtpdShm create(int unit, int permissions) {
        return NtpdShm.open(segs.options(unit, "panama").layout(ShmLayout.LP64).permissions(permissions).build());
    }

    @Test
    void anUnknownBackendIsAUsageErrorWithoutTheJavaHint() throws Exception {
        Jar.Result r = Jar.run(args("dump", "--unit", "2", "--backend", "foo"));
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.get(0).startsWith("ntpdshm dump: Invalid value for option '--backend': 'foo' is not a backend:"
                + " choose jna, jnr, panama"), r.toString());
        assertFalse(r.stderr().contains("Java 22"), "this is Java " + Runtime.version().feature() + ": " + r);
        assertEquals("", r.stdout());
    }

    @Test
    void aKnownBackendStillWorks() throws Exception {
        try (NtpdShm w = create(3, 0666)) {
            w.update(Instant.now(), Instant.now());
        }
        Jar.Result r = Jar.run(args("dump", "--unit", "3", "--backend", "JNA"));
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.get(0).contains("backend jna"), r.toString());
    }

    /** {@code ntpdshm CMD > /dev/full}: the write fails, so the run failed. */
    private static int toDevFull(String... args) throws Exception {
        List<String> cmd = Jar.command(new ArrayList<>(), Jar.JAR, args);
        Process p = new ProcessBuilder(cmd).redirectOutput(new File("/dev/full"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (InputStream in = p.getErrorStream()) {
            in.transferTo(err);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("ntpdshm: could not write to standard output"), Arrays.toString(args) + ": " + text);
        return p.exitValue();
    }

    /**
     * A hostile segment's time stamps centuries apart: dump's offset and age saturate at the bounds of a long of
     * nanoseconds, with the right sign, in text and in JSON, instead of overflowing (issue 12 item 7; the saturation
     * itself came with issue 16, through ShmSample.differenceNanos).
     */
    @Test
    void dumpsAgeAndOffsetSaturateWithTheRightSign() throws Exception {
        String[][] cases = {
            // clock, receive, the age's text, the saturated age and offset
            {"9223372036854775807", "-9223372036854775808", "9223372036.854 s", Long.toString(Long.MAX_VALUE)},
            {"-9223372036854775808", "9223372036854775807", "-9223372036.855 s", Long.toString(Long.MIN_VALUE)},
        };
        int unit = 9;
        for (String[] c : cases) {
            create(unit, 0666).close();
            CPeer.of(ShmLayout.LP64).call("write", segs.hexKey(unit), "mode=1", "count=2", "valid=1",
                    "clockTimeStampSec=" + c[0], "receiveTimeStampSec=" + c[1]);
            Jar.Result text = Jar.run(args("dump", "--unit", Integer.toString(unit)));
            assertEquals(0, text.exit, text.toString());
            String age = text.out.stream().filter(l -> l.trim().startsWith("age ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no age line: " + text));
            assertTrue(age.contains(" " + c[2] + "  (now - receive time)"), age);
            Jar.Result json = Jar.run(args("dump", "--unit", Integer.toString(unit), "--json"));
            assertEquals(0, json.exit, json.toString());
            Map<String, Object> o = Json.object(json.out.get(0));
            assertEquals(new BigDecimal(c[3]), o.get("age_ns"), json.toString());
            assertEquals(new BigDecimal(c[3]), o.get("offset_ns"), json.toString());
            unit++;
        }
    }

    /** feed refuses what the API refuses, in the API's words (one check, not a copy), before creating anything. */
    @Test
    void feedRefusesBadValuesWithTheApisOwnChecks() throws Exception {
        String[][] cases = {
            {"--unit", "2", "--precision", "5", "--precision", message(() -> NtpdShm.checkPrecision(5))},
            {"--unit", "2", "--precision", "-33", "--precision", message(() -> NtpdShm.checkPrecision(-33))},
            {"--unit", "2", "--leap", "4", "--leap", message(() -> NtpdShm.checkLeap(4))},
            {"--unit", "2", "--leap", "-1", "--leap", message(() -> NtpdShm.checkLeap(-1))},
            {"--sock", "/nonexistent/ntpdshm.sock", "--leap", "3", "--leap", message(() -> ChronySock.checkLeap(3))},
        };
        for (String[] c : cases) {
            Jar.Result r = Jar.run(args("feed", c[0], c[1], c[2], c[3], "--count", "1"));
            assertEquals(2, r.exit, r.toString());
            assertEquals("ntpdshm feed: " + c[4] + ": " + c[5], r.err.get(0), r.toString());
            assertEquals("", r.stdout(), r.toString());
        }
        assertTrue(segs.present().isEmpty(), "a usage error created a segment: " + segs.present());
    }

    private static String message(Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("the API accepted it");
    }

    @Test
    void dumpAndListToAFullDeviceFail() throws Exception {
        create(4, 0666).close();
        assertEquals(1, toDevFull(args("dump", "--unit", "4")));
        assertEquals(1, toDevFull(args("dump", "--unit", "4", "--json")));
        assertEquals(1, toDevFull(args("list")));
        assertEquals(1, toDevFull(args("list", "--json")));
        assertEquals(1, toDevFull("--help"));
    }

    @Test
    void oneSampleIsOneSample() throws Exception {
        Jar.Result r = Jar.run(args("feed", "--unit", "5", "--count", "1", "--quiet"));
        assertEquals(0, r.exit, r.toString());
        assertEquals(Arrays.asList("fed 1 sample to unit 5 (key " + segs.hexKey(5) + "); detached, the segment stays"), r.out);
    }

    @Test
    void permissionAdviceNamesTheToolsFlag() throws Exception {
        create(6, 0600).close();
        Jar.Result r = Jar.runAsNobody(args("dump", "--unit", "6"));
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.stderr().contains("EACCES"), r.toString());
        assertTrue(r.stderr().contains("ntpdshm feed takes --permissions 0666"), r.toString());
        assertFalse(r.stderr().contains("permissions(0666)"), r.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void listJsonHasAFormatVersionAndEverySegment() throws Exception {
        Jar.Result empty = Jar.run(args("list", "--json"));
        assertEquals(0, empty.exit, empty.toString());
        Map<String, Object> e = Json.object(empty.stdout());
        assertEquals(new BigDecimal(1), e.get("format"));
        assertEquals(kb, e.get("keyBase"));
        assertEquals(List.of(), e.get("segments"));

        create(0, 0600).close();
        try (NtpdShm w = create(9, 0666)) {
            w.update(Instant.now().minusSeconds(1), Instant.now());
            Jar.Result r = Jar.run(args("list", "--json"));
            assertEquals(0, r.exit, r.toString());
            assertEquals(1, r.out.size(), r.toString());
            List<Object> rows = (List<Object>) Json.object(r.out.get(0)).get("segments");
            assertEquals(2, rows.size(), r.toString());
            Map<String, Object> unit0 = (Map<String, Object>) rows.get(0);
            assertEquals(new BigDecimal(0), unit0.get("unit"));
            assertEquals(segs.hexKey(0), unit0.get("key"));
            assertEquals("root", unit0.get("user"));
            assertEquals("0600", unit0.get("permissions"));
            assertEquals(Boolean.FALSE, unit0.get("written"));
            assertNull(unit0.get("age_s"));
            Map<String, Object> unit9 = (Map<String, Object>) rows.get(1);
            assertEquals(new BigDecimal(9), unit9.get("unit"));
            assertEquals(new BigDecimal(96), unit9.get("size"));
            assertEquals("LP64", unit9.get("layout"));
            assertEquals(new BigDecimal(1), unit9.get("attaches"));
            assertEquals(Boolean.TRUE, unit9.get("valid"));
            assertTrue(((BigDecimal) unit9.get("age_s")).signum() >= 0, r.toString());
        }
    }

    @Test
    void everyJsonOutputCarriesTheFormatVersion() throws Exception {
        try (NtpdShm w = create(8, 0666)) {
            w.update(Instant.now(), Instant.now());
        }
        Jar.Result dump = Jar.run(args("dump", "--unit", "8", "--json"));
        assertEquals(new BigDecimal(1), Json.object(dump.out.get(0)).get("format"), dump.toString());
        Jar.Result mon = Jar.run(args("monitor", "--units", "8", "--count", "1", "--timeout", "5", "--json"));
        assertEquals(2, mon.out.size(), mon.toString());
        for (String line : mon.out) {
            assertEquals(new BigDecimal(1), Json.object(line).get("format"), mon.toString());
        }
    }

    @Test
    void theNewCommandsHaveHelp() throws Exception {
        for (String cmd : new String[] {"doctor", "exporter"}) {
            Jar.Result r = Jar.run(cmd, "--help");
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.out.get(0).length() > 10, "a one-line header first: " + r);
            assertTrue(r.out.get(1).startsWith("Usage: ntpdshm " + cmd + " "), r.toString());
            assertEquals("", r.stderr());
        }
        Jar.Result top = Jar.run("--help");
        assertTrue(top.stdout().contains("  doctor ") && top.stdout().contains("  exporter "), top.toString());
        Jar.Result doctor = Jar.run("doctor", "--help");
        assertTrue(doctor.stdout().contains("Exit codes: 0 every unit present is accepted"), doctor.toString());
    }
}
