/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.api.SockOptions;
import io.github.ntpdshm.conformance.CPeer;
import io.github.ntpdshm.conformance.OtherUser;
import io.github.ntpdshm.conformance.TestSegments;
import io.github.ntpdshm.internal.Texts;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every backend against the real peers, in one JVM (JDK 22+, so Panama runs beside JNA and JNR). Uses the real
 * NTP keys {@code 0x4E545030 + unit}: {@link RealUnits#checkFree} first makes sure nothing else uses them. Every
 * daemon listens on loopback only, never touches the system clock (ntpd: {@code disable ntp}, {@code noselect},
 * started without CAP_SYS_TIME; chronyd: {@code -x}), and is stopped by the PID this suite started.
 * The result table goes to stdout and {@code target/interop-summary.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InteropTest {

    private static final List<String> BACKENDS = Arrays.asList("panama", "jna", "jnr");
    private static final long SECOND = 1_000_000_000L;
    private static final long NS_OFFSET = -123_456L;
    private static final long T0 = 1_795_000_000L;

    private static final String NTPD = "/usr/sbin/ntpd";
    private static final String NTPQ = "/usr/bin/ntpq";
    /**
     * How far from -1000 ms {@code ntpq -pn} may show the seed's loop (units 2-4: {@code update(now - 1 s)}, the
     * receive time stamped inside update), in ms as ntpq prints it (two decimals): issue #11 asks for
     * {@code -1000.00} or {@code -1000.01}. Before the open-time warm-up it showed -1000.17 to -1000.20; with the
     * warm-up of the update paths alone -1000.01 and -1000.02 (rv -1000.011 to -1000.019), the rest being the
     * caller's own interpreted {@code plusNanos}; with that arithmetic warmed too, -1000.01 (rv -1000.006 to
     * -1000.008). The suite polls ntpq until every unit is within this, so one late sample does not fail it.
     */
    private static final double SEED_LOOP_NTPQ_MS = 0.01;
    /**
     * The bound for the same units' {@code rv offset=}, read once after ntpq's figures settled: a later poll may
     * have taken a new sample, so this only tells a cold write path (tenths of a millisecond) from a warm one
     * without failing on one late sample on a loaded CI machine; the summary shows each run's figures.
     */
    private static final double SEED_LOOP_MS = 0.05;
    private static final String GPSD = "/usr/sbin/gpsd";
    private static final String NTPSHMMON = "/usr/bin/ntpshmmon";
    private static final String SOCAT = "/usr/bin/socat";
    private static final String SETPRIV = "/usr/bin/setpriv";
    private static final String CHRONY_ROOT = Optional.ofNullable(System.getenv("CHRONY_ROOT")).orElse("/opt/chrony");
    private static final String CHRONYD = CHRONY_ROOT + "/usr/sbin/chronyd";
    private static final String CHRONYC = CHRONY_ROOT + "/usr/bin/chronyc";

    private static final Summary SUMMARY = new Summary();
    private static final List<String> NTPQ_LINES = new ArrayList<>();
    private static final Map<String, String> VERSIONS = new LinkedHashMap<>();
    private static Path work;
    /** Set once {@link RealUnits#checkFree} passed: only then may the suite remove segments on the real keys. */
    private static boolean claimed;

    @BeforeAll
    static void claimTheRealUnits() throws IOException {
        try {
            if (!isRoot()) {
                throw new IllegalStateException("the interop suite must run as root: ntpd binds port 123 and the"
                        + " permission checks switch to uid 65534 (run scripts/test.sh --interop as root)");
            }
            List<String> missing = new ArrayList<>();
            for (String tool : Arrays.asList(NTPD, NTPQ, GPSD, NTPSHMMON, SOCAT, SETPRIV, CHRONYD, CHRONYC)) {
                if (!Files.isExecutable(Paths.get(tool))) {
                    missing.add(tool);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("missing " + missing + ": scripts/test.sh --interop installs them"
                        + " (apt-get install ntpsec gpsd socat gcc-i686-linux-gnu libc6-dev-i386-cross; chrony: apt-get download chrony &&"
                        + " dpkg -x chrony_*.deb /opt/chrony, or set CHRONY_ROOT)");
            }
            RealUnits.checkFree(true);
        } catch (RuntimeException e) {
            SUMMARY.fail("(the suite's checks before it starts)", "not run", e);
            throw e;
        }
        claimed = true;
        work = Files.createTempDirectory("ntpdshm-interop-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        VERSIONS.put("ntpd", firstMatch(run(30, NTPD, "--version"), "ntpsec-[0-9.]+", "ntpsec"));
        VERSIONS.put("chronyd", firstMatch(run(30, CHRONYD, "--version"), "version [0-9.]+", "chrony")
                .replace("version ", "chrony "));
        VERSIONS.put("gpsd", firstMatch(run(30, GPSD, "-V"), "[0-9]+\\.[0-9.]+", "?"));
        VERSIONS.put("ntpshmmon", firstMatch(run(30, NTPSHMMON, "-V"), "[0-9]+\\.[0-9.]+", "?"));
    }

    @BeforeEach
    void nobodyElseOnTheRealUnits() {
        RealUnits.checkFree(false);
    }

    @AfterAll
    static void stopEverythingAndReport() throws IOException {
        Daemon.stopAll();
        if (claimed) {
            RealUnits.removeAll();
        }
        Path target = Paths.get("target");
        if (work != null) {
            Path logs = target.resolve("interop-logs");
            copyTree(work, logs, p -> p.toString().endsWith(".log") || p.toString().endsWith(".conf")
                    || p.toString().endsWith(".txt"));
            deleteTree(work);
        }
        StringBuilder md = new StringBuilder();
        md.append(SUMMARY.markdown());
        if (!VERSIONS.isEmpty()) {
            md.append("\nPeers: ").append(VERSIONS.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "))).append(".\n");
        }
        if (!NTPQ_LINES.isEmpty()) {
            md.append("\n`ntpq -pn 127.0.0.1` with the three backends writing units 2, 3, 4 at -1 s (the seed's loop:"
                    + " once a second `update(now - 1 s)`, which stamps the receive time) and 5, 6, 7 at"
                    + " -123456 ns:\n\n```\n").append(String.join("\n", NTPQ_LINES)).append("\n```\n");
        }
        Files.createDirectories(target);
        Files.write(target.resolve("interop-summary.md"), md.toString().getBytes(StandardCharsets.UTF_8));
        System.out.println("\n==== interop summary (" + target.resolve("interop-summary.md") + ")\n" + SUMMARY.text());
    }

    // ---- 1. NTPsec reads us; 6. its unit-0 segment (root, 0600) refuses nobody --------------------------------

    @Test
    @Order(1)
    void ntpsecReadsEveryBackend() throws Exception {
        String peer = "NTPsec " + VERSIONS.get("ntpd").replace("ntpsec-", "");
        Path dir = Files.createDirectories(work.resolve("ntpsec"));
        List<JavaWriter> writers = new ArrayList<>();
        Daemon ntpd = null;
        KernelClock before = KernelClock.read();
        try {
            for (int i = 0; i < BACKENDS.size(); i++) {
                // the seed's example: once a second update(now - 1 s), the receive time stamped by update (#11)
                writers.add(JavaWriter.stamping(ShmOptions.builder(2 + i).backend(BACKENDS.get(i))
                        .layout(ShmLayout.LP64).build(), -SECOND, 1000));
                writers.add(writer(5 + i, BACKENDS.get(i), NS_OFFSET, 250));
            }
            for (JavaWriter w : writers) {
                w.awaitSamples(1);
            }
            StringBuilder conf = new StringBuilder();
            // unit 0 only so that ntpd creates its root-only segment for the permission check
            conf.append("server 127.127.28.0 noselect minpoll 0 maxpoll 0\nfudge 127.127.28.0 refid PERM\n");
            for (int u = 2; u <= 7; u++) {
                conf.append("server 127.127.28.").append(u).append(" noselect minpoll 0 maxpoll 0\n")
                        .append("fudge 127.127.28.").append(u).append(" refid ").append(refid(BACKENDS.get((u - 2) % 3)))
                        .append(" stratum 10\n");
            }
            conf.append("restrict default ignore\nrestrict 127.0.0.1\ninterface ignore all\ninterface listen 127.0.0.1\n")
                    .append("disable ntp kernel\ndriftfile ").append(dir.resolve("ntp.drift")).append("\n")
                    .append("logconfig =all\nstatsdir ").append(dir).append("/\n");
            Path confFile = dir.resolve("ntp.conf");
            Files.write(confFile, conf.toString().getBytes(StandardCharsets.US_ASCII));
            Path log = dir.resolve("ntpd.log");
            Files.write(log, new byte[0]);
            // Without CAP_SYS_TIME: ntpd resets the kernel PLL (clock_adjtime) at start-up even with "disable ntp";
            // without the capability those calls fail with EPERM and ntpd runs on.
            ntpd = Daemon.start("ntpd", dir.resolve("ntpd-stdout.log"), Arrays.asList(SETPRIV,
                    "--bounding-set=-sys_time", "--inh-caps=-sys_time", NTPD, "-n", "-c", confFile.toString(),
                    "-l", log.toString()), Collections.emptyMap());

            Map<Integer, String[]> peers = Collections.emptyMap();
            String last = "";
            long end = System.nanoTime() + 30 * SECOND;
            while (System.nanoTime() < end && ntpd.isAlive()) {
                last = run(10, NTPQ, "-pn", "127.0.0.1");
                peers = ntpqPeers(last);
                if (ntpqDone(peers)) {
                    break;
                }
                Thread.sleep(250);
            }
            exitedEarly(ntpd, log);
            for (JavaWriter w : writers) {
                w.check();
            }
            for (String line : last.split("\n")) {
                if (!line.isBlank()) {
                    NTPQ_LINES.add(line);
                }
            }
            Map<Integer, String> rv = new TreeMap<>();
            for (int n = 1; n <= 7; n++) {
                String out = run(10, NTPQ, "-c", "rv &" + n + " srchost,reach,offset", "127.0.0.1")
                        .replaceAll("\\s+", " ").trim();
                Matcher m = Pattern.compile("srchost=\"SHM\\((\\d+)\\)\"").matcher(out);
                if (m.find()) {
                    rv.put(Integer.parseInt(m.group(1)), out);
                }
            }
            String ntpdLog = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            String ntpqOut = last;
            // proof that setpriv took CAP_SYS_TIME away: ntpd's start-up kernel PLL reset was refused
            boolean clockUntouchable = ntpdLog.contains("ntp_adjtime: Operation not permitted");
            Map<Integer, String[]> seen = peers;
            for (int i = 0; i < BACKENDS.size(); i++) {
                int u1 = 2 + i;
                int u2 = 5 + i;
                SUMMARY.check(peer, BACKENDS.get(i), "LP64 96", () -> {
                    String[] p = seen.get(u1);
                    String line = p == null ? "no SHM(" + u1 + ") line in ntpq -pn:\n" + ntpqOut : String.join(" ", p);
                    assertTrue(p != null && !p[6].equals("0"), "SHM(" + u1 + ") not reached: " + line);
                    assertTrue(showsMinusOneSecond(p), "SHM(" + u1
                            + ") offset is not -1000.00 or -1000.01 ms in ntpq -pn within 30 s: " + line);
                    String v = rv.getOrDefault(u1, "no rv for SHM(" + u1 + ")");
                    assertTrue(Math.abs(rvOffset(v) + 1000.0) <= SEED_LOOP_MS, "rv offset is not -1000 ms within "
                            + SEED_LOOP_MS + " ms: " + v);
                    String clash = logLines(ntpdLog, "SHM(" + u1 + ")", "clash", "bad mode", "stale");
                    assertTrue(clash.isEmpty(), "ntpd logged for SHM(" + u1 + "): " + clash);
                    assertTrue(clockUntouchable, "ntpd's log does not show its ntp_adjtime calls refused (EPERM):"
                            + " was CAP_SYS_TIME dropped? " + logLines(ntpdLog, "CLOCK", ""));
                    String v2 = rv.getOrDefault(u2, "no rv for SHM(" + u2 + ")");
                    assertTrue(!v2.contains("reach=000") && v2.contains("reach="), "SHM(" + u2 + ") not reached: " + v2);
                    assertEquals(new BigDecimal("-0.123456"), new BigDecimal(rvOffsetText(v2)).setScale(6,
                            java.math.RoundingMode.HALF_EVEN), "writer at -123456 ns, ntpq shows: " + v2);
                    String clash2 = logLines(ntpdLog, "SHM(" + u2 + ")", "clash", "bad mode", "stale");
                    assertTrue(clash2.isEmpty(), "ntpd logged for SHM(" + u2 + "): " + clash2);
                    return "writer update(now - 1 s) at 1 Hz: `" + line + "`, rv `offset=" + rvOffsetText(v) + "`; writer -0.000123456 s"
                            + " (SHM(" + u2 + ")): rv `offset=" + rvOffsetText(v2) + "`; no clash logged";
                });
            }
            permissionChecks(peer + " unit 0", 0, 0600, "0:rw,0:ro", false);
        } catch (Exception | AssertionError e) {
            SUMMARY.fail(peer, "setup", e);
        } finally {
            if (ntpd != null) {
                ntpd.close();
            }
            kernelClockUntouched(peer, before);
            for (JavaWriter w : writers) {
                w.close();
            }
            RealUnits.removeAll();
        }
        SUMMARY.throwIfFailed();
    }

    /** Peer lines of {@code ntpq -pn} by unit: remote refid st t when poll reach delay offset jitter. */
    private static Map<Integer, String[]> ntpqPeers(String out) {
        Map<Integer, String[]> m = new TreeMap<>();
        for (String line : out.split("\n")) {
            int at = line.indexOf("SHM(");
            if (at >= 0) {
                String[] f = line.substring(at).trim().split("\\s+");
                if (f.length >= 10) {
                    m.put(Integer.parseInt(f[0].substring(4, f[0].indexOf(')'))), f);
                }
            }
        }
        return m;
    }

    private static boolean ntpqDone(Map<Integer, String[]> peers) {
        for (int u = 2; u <= 7; u++) {
            String[] p = peers.get(u);
            if (p == null || p[6].equals("0")) {
                return false;
            }
            if (u <= 4 ? !showsMinusOneSecond(p) : Math.abs(Double.parseDouble(p[8]) + 0.1235) > 0.00005) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether an {@code ntpq -pn} peer line's offset shows {@code -1000.00} or {@code -1000.01} ms as printed (two
     * decimals): a writer at -1 s, with at most the receive stamp's own delay (issue #11). The printed -1000.01
     * parses to within {@link #SEED_LOOP_NTPQ_MS} of -1000, so no tolerance is added.
     */
    private static boolean showsMinusOneSecond(String[] peer) {
        return Math.abs(Double.parseDouble(peer[8]) + 1000.0) <= SEED_LOOP_NTPQ_MS;
    }

    private static String rvOffsetText(String rv) {
        Matcher m = Pattern.compile("offset=(-?[0-9.]+)").matcher(rv);
        if (!m.find()) {
            throw new AssertionError("no offset in ntpq rv output: " + rv);
        }
        return m.group(1);
    }

    private static double rvOffset(String rv) {
        return Double.parseDouble(rvOffsetText(rv));
    }

    private static String logLines(String log, String must, String... any) {
        StringBuilder sb = new StringBuilder();
        for (String line : log.split("\n")) {
            if (line.contains(must)) {
                for (String a : any) {
                    if (line.contains(a)) {
                        sb.append(line).append('\n');
                        break;
                    }
                }
            }
        }
        return sb.toString().trim();
    }

    // ---- 2. chrony reads us; 6. its 0644 segment lets nobody monitor -----------------------------------------

    @Test
    @Order(2)
    void chronyReadsEveryBackend() throws Exception {
        String peer = VERSIONS.get("chronyd");
        KernelClock before = KernelClock.read();
        for (int i = 0; i < BACKENDS.size(); i++) {
            String backend = BACKENDS.get(i);
            boolean first = i == 0;
            Path dir = Files.createDirectories(work.resolve("chrony-" + backend));
            Path run = Files.createDirectories(dir.resolve("run"));
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
            Path sock = run.resolve("chronyd.sock");
            List<JavaWriter> writers = new ArrayList<>();
            Daemon chronyd = null;
            try {
                writers.add(writer(2, backend, -SECOND, 200));
                writers.get(0).awaitSamples(1);
                String conf = "refclock SHM 2 refid " + refid(backend) + " poll 0 dpoll 0\n"
                        // a second refclock, only so that chronyd creates a 0644 segment for the monitor check
                        + (first ? "refclock SHM 1:perm=0644 refid MON noselect\n" : "")
                        + "driftfile " + dir.resolve("chrony.drift") + "\npidfile " + dir.resolve("chronyd.pid")
                        + "\nport 0\ncmdport 0\nbindcmdaddress " + sock + "\nlogdir " + dir
                        + "\nlog refclocks tracking\n";
                Path confFile = dir.resolve("chrony.conf");
                Files.write(confFile, conf.getBytes(StandardCharsets.US_ASCII));
                chronyd = Daemon.start("chronyd", dir.resolve("chronyd.log"), Arrays.asList(CHRONYD, "-u", "root",
                        "-x", "-d", "-f", confFile.toString()), Collections.emptyMap());
                String sources = "";
                String tracking = "";
                String selected = "#,*," + refid(backend) + ",";
                long end = System.nanoTime() + 30 * SECOND;
                while (System.nanoTime() < end && chronyd.isAlive()) {
                    sources = run(10, CHRONYC, "-h", sock.toString(), "-c", "sources");
                    tracking = run(10, CHRONYC, "-h", sock.toString(), "tracking");
                    if (sources.contains(selected) && tracking.contains("1.000000000 seconds fast of NTP time")) {
                        break;
                    }
                    Thread.sleep(200);
                }
                exitedEarly(chronyd, chronyd.logFile());
                writers.get(0).check();
                String src = sources;
                String sys = Arrays.stream(tracking.split("\n")).filter(l -> l.startsWith("System time"))
                        .findFirst().orElse("no System time line in chronyc tracking: " + tracking + "\nlog: "
                                + chronyd.log());
                SUMMARY.check(peer, backend, "LP64 96", () -> {
                    String line = Arrays.stream(src.split("\n")).filter(l -> l.startsWith(selected)).findFirst()
                            .orElse(null);
                    assertTrue(line != null, "refclock " + refid(backend) + " not selected ('*'): " + src);
                    assertTrue(sys.matches("System time\\s+: 1\\.000000000 seconds fast of NTP time"),
                            "chronyc tracking: " + sys);
                    return "`" + sys.replaceAll("\\s+", " ") + "`; sources `" + line + "`";
                });
                if (first) {
                    Optional<ShmSegment> mon = awaitSegment(RealUnits.BASE + 1, 5);
                    if (mon.isPresent()) {
                        // root may write into chronyd's 0644 segment; nobody may only watch it
                        writers.add(new JavaWriter(ShmOptions.builder(1).backend(backend).attachOnly().build(),
                                -SECOND, 10));
                        writers.get(1).awaitSamples(1);
                    }
                    permissionChecks(VERSIONS.get("chronyd") + " unit 1:perm=0644", 1, 0644, "1:ro,1:rw", true);
                }
            } catch (Exception | AssertionError e) {
                SUMMARY.fail(peer, "chronyd with " + backend, e);
            } finally {
                if (chronyd != null) {
                    chronyd.close();
                }
                for (JavaWriter w : writers) {
                    w.close();
                }
                RealUnits.removeAll();
            }
        }
        kernelClockUntouched(peer, before);
        SUMMARY.throwIfFailed();
    }

    /** A summary row: the kernel's clock discipline (adjtimex) is as before the daemon ran. */
    private static void kernelClockUntouched(String peer, KernelClock before) {
        SUMMARY.check(peer + " kernel clock", "-", "-", () -> {
            KernelClock after = KernelClock.read();
            String change = before.changesIn(after);
            assertTrue(change == null, change);
            return "adjtimex unchanged (freq " + after.freq + ", status 0x" + Integer.toHexString(after.status)
                    + ", maxerror only grew: " + before.maxerror + " -> " + after.maxerror + " us)";
        });
    }

    // ---- 6. permissions as the daemons set them, seen by a JVM running as nobody ------------------------------

    /**
     * Checks the segment's owner and permissions, then opens it as uid 65534 with every backend: a 0600 segment
     * must fail with EACCES (message naming owner and permissions), a 0644 one must open read-only and refuse
     * read-write.
     */
    private static void permissionChecks(String peer, int unit, int perms, String specs, boolean readable)
            throws IOException {
        int key = RealUnits.BASE + unit;
        Optional<ShmSegment> seg = ShmSegment.ofKey(key);
        String out = seg.isPresent() ? runAsNobody(specs) : "";
        for (String backend : BACKENDS) {
            SUMMARY.check(peer + ", as nobody", backend, "LP64 96", () -> {
                assertTrue(seg.isPresent(), "the daemon did not create " + Texts.hex(key));
                ShmSegment s = seg.get();
                assertTrue(s.uid() == 0 && s.permissions() == perms && s.size() == 96,
                        "expected root " + Integer.toOctalString(perms) + " 96 bytes: " + s);
                String rw = line(out, backend + " " + unit + " rw ");
                String ro = line(out, backend + " " + unit + " ro ");
                assertTrue(rw.contains("FAILED errno=EACCES")
                        && rw.contains("uid 0 with permissions 0" + Integer.toOctalString(perms)), "rw open: " + rw
                        + "\n" + out);
                if (readable) {
                    assertTrue(ro.contains("OPENED layout=LP64"), "read-only open: " + ro + "\n" + out);
                    return "root 0" + Integer.toOctalString(perms) + ": read-only `" + ro.substring(ro.indexOf("OPENED"))
                            + "`, read-write EACCES";
                }
                assertTrue(ro.contains("FAILED errno=EACCES"), "read-only open: " + ro + "\n" + out);
                return "root 0" + Integer.toOctalString(perms) + ": read-write and read-only open fail with EACCES, the"
                        + " message naming owner uid 0 and 0" + Integer.toOctalString(perms);
            });
        }
    }

    private static String line(String out, String prefix) {
        return Arrays.stream(out.split("\n")).filter(l -> l.startsWith(prefix)).findFirst()
                .orElse("(no line " + prefix.trim() + ")");
    }

    private static String runAsNobody(String specs) throws IOException {
        List<String> args = new ArrayList<>(Arrays.asList(Integer.toHexString(RealUnits.BASE), specs));
        args.addAll(BACKENDS);
        return OtherUser.runAsNobody(OpenEach.class.getName(), args, 120);
    }

    // ---- 3. gpsd's ntpshmmon reads us ------------------------------------------------------------------------

    @Test
    @Order(3)
    void ntpshmmonReadsEveryBackend() throws Exception {
        String peer = "ntpshmmon (gpsd " + VERSIONS.get("ntpshmmon") + ")";
        Path dir = Files.createDirectories(work.resolve("ntpshmmon"));
        List<JavaWriter> writers = new ArrayList<>();
        try {
            for (int i = 0; i < BACKENDS.size(); i++) {
                writers.add(writer(2 + i, BACKENDS.get(i), -SECOND, 10));
            }
            for (JavaWriter w : writers) {
                w.awaitSamples(1);  // ntpshmmon looks for segments once, at start
            }
            Path out = dir.resolve("ntpshmmon.txt");
            Daemon mon = Daemon.start("ntpshmmon", out, Arrays.asList(NTPSHMMON, "-n", "450", "-t", "15"),
                    Collections.emptyMap());
            mon.await(30_000);
            for (JavaWriter w : writers) {
                w.check();
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            for (int i = 0; i < BACKENDS.size(); i++) {
                String name = "NTP" + (2 + i);
                List<String> mine = lines.stream().filter(l -> l.startsWith("sample " + name + " "))
                        .collect(Collectors.toList());
                SUMMARY.check(peer, BACKENDS.get(i), "LP64 96", () -> {
                    assertTrue(mine.size() >= 100, "only " + mine.size() + " samples of " + name
                            + " (want 100): " + String.join("\n", lines.subList(0, Math.min(lines.size(), 5))));
                    int subMicro = 0;
                    for (String l : mine) {
                        String[] f = l.trim().split("\\s+");  // sample NTPn seen clock real leap prec
                        assertTrue(f.length >= 5 && f[3].matches("\\d+\\.\\d{9}") && f[4].matches("\\d+\\.\\d{9}"),
                                "not a nanosecond line: " + l);
                        BigDecimal d = new BigDecimal(f[3]).subtract(new BigDecimal(f[4]));
                        assertEquals(0, d.compareTo(BigDecimal.ONE), "Clock - Real is " + d + " s, not 1: " + l);
                        if (!f[4].endsWith("000")) {
                            subMicro++;
                        }
                    }
                    assertTrue(subMicro > 0, "no sample with nanoseconds below the microsecond: " + mine.get(0));
                    return mine.size() + " samples at 10 ms, every one Real = Clock - 1.000000000 s ("
                            + subMicro + " with sub-µs digits), e.g. `" + mine.get(0).replaceAll("\\s+", " ") + "`";
                });
            }
        } catch (Exception | AssertionError e) {
            SUMMARY.fail(peer, "setup", e);
        } finally {
            for (JavaWriter w : writers) {
                w.close();
            }
            RealUnits.removeAll();
        }
        SUMMARY.throwIfFailed();
    }

    // ---- 4. C peers of all three layouts, both directions (private key base) ----------------------------------

    @Test
    @Order(4)
    void cPeersOfEveryLayoutBothWays() throws Exception {
        TestSegments segments = new TestSegments();
        try {
            int unit = 0;
            for (ShmLayout layout : ShmLayout.values()) {
                CPeer c = CPeer.of(layout);
                String flags = c.describe();
                String lay = layout.name() + " " + layout.size();
                for (String backend : BACKENDS) {
                    int k = unit++;
                    String hex = segments.hexKey(k);
                    int k2 = unit++;
                    String hex2 = segments.hexKey(k2);
                    SUMMARY.check("C peer (" + flags + ")", backend, lay, () -> {
                        c.call("write", hex, "mode=1", "count=" + (40 + 2 * k), "clockTimeStampSec=" + (T0 + k),
                                "clockTimeStampUSec=123456", "clockTimeStampNSec=123456789",
                                "receiveTimeStampSec=" + (T0 + k + 1), "receiveTimeStampUSec=987654",
                                "receiveTimeStampNSec=987654321", "leap=1", "precision=-20", "nsamples=3", "valid=1");
                        try (NtpdShm r = NtpdShm.open(segments.options(k, backend).attachOnly().readOnly(true).build())) {
                            assertEquals(layout, r.layout(), "layout inferred from " + r.segment());
                            String raw = "mode=" + r.getMode() + " count=" + r.getCount() + " clock=" + r.getClockTimeStampSec()
                                    + "/" + r.getClockTimeStampUSec() + "/" + r.getClockTimeStampNSec() + " receive="
                                    + r.getReceiveTimeStampSec() + "/" + r.getReceiveTimeStampUSec() + "/"
                                    + r.getReceiveTimeStampNSec() + " leap=" + r.getLeap() + " precision="
                                    + r.getPrecision() + " nsamples=" + r.getNsamples() + " valid=" + r.isValid();
                            String want = "mode=1 count=" + (40 + 2 * k) + " clock=" + (T0 + k) + "/123456/123456789"
                                    + " receive=" + (T0 + k + 1) + "/987654/987654321 leap=1 precision=-20 nsamples=3"
                                    + " valid=true";
                            assertEquals(want, raw, "fields read from the C writer's " + layout.size() + "-byte segment");
                            ShmRead read = r.read();
                            ShmSample s = read.sample().orElseThrow(() -> new AssertionError("read: " + read));
                            assertEquals((T0 + k) + "." + "123456789", s.clockTimeStampSec() + "." + s.clockNanos(),
                                    "sample " + s);
                            assertEquals((T0 + k + 1) + "." + "987654321", s.receiveTimeStampSec() + "."
                                    + s.receiveNanos(), "sample " + s);
                        }
                        try (NtpdShm w = NtpdShm.open(segments.options(k2, backend).layout(layout).build())) {
                            w.update(T0 + k2, 123_456_789, T0 + k2 + 1, 987_654_321);
                            Map<String, String> f = c.fields("read", hex2);
                            String got = "status=" + f.get("status") + " mode=" + f.get("mode") + " clock="
                                    + f.get("clockTimeStampSec") + "/" + f.get("clockTimeStampUSec") + "/"
                                    + f.get("clockTimeStampNSec") + " receive=" + f.get("receiveTimeStampSec") + "/"
                                    + f.get("receiveTimeStampUSec") + "/" + f.get("receiveTimeStampNSec") + " leap="
                                    + f.get("leap") + " precision=" + f.get("precision") + " count=" + f.get("count");
                            String want = "status=OK mode=1 clock=" + (T0 + k2) + "/123456/123456789 receive="
                                    + (T0 + k2 + 1) + "/987654/987654321 leap=" + w.getLeap() + " precision="
                                    + w.getPrecision() + " count=" + w.getCount();
                            assertEquals(want, got, "the C reader's view of our " + layout.size() + "-byte segment");
                            assertTrue(!w.isValid(), "the C reader's consuming read did not clear valid");
                            return "C writes, we read: every field exact, layout inferred from the size; we write, C"
                                    + " reads: status=OK, every field exact";
                        }
                    });
                }
            }
        } finally {
            List<ShmSegment> attached = segments.removeAll();
            assertTrue(attached.isEmpty(), "still attached: " + attached);
        }
        SUMMARY.throwIfFailed();
    }

    // ---- 5. We read gpsd ------------------------------------------------------------------------------------

    @Test
    @Order(5)
    void weReadGpsd() throws Exception {
        String peer = "gpsd " + VERSIONS.get("gpsd");
        Path dir = Files.createDirectories(work.resolve("gpsd"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Daemon socat = null;
        Daemon gpsd = null;
        NmeaFeeder feeder = null;
        Daemon sockMonitor = null;
        // gpsd (as root) sends chrony SOCK samples to /run/chrony.<device basename>.sock if it exists when the
        // device opens; they come from PPS edges only, which fakeserial.c plays on the pty with FAKESERIAL_PPS=1
        Path chronySock = Paths.get("/run/chrony.gps-dev.sock");
        try {
            Path shim = compileFakeSerial(dir);
            Path in = dir.resolve("gps-in");
            Path dev = dir.resolve("gps-dev");
            socat = Daemon.start("socat", dir.resolve("socat.log"), Arrays.asList(SOCAT,
                    "pty,raw,echo=0,link=" + in, "pty,raw,echo=0,link=" + dev), Collections.emptyMap());
            long end = System.nanoTime() + 5 * SECOND;
            while (!(Files.exists(in) && Files.exists(dev)) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            sockMonitor = cli("monitor-sock", dir, "monitor", "--sock", chronySock.toString(), "--json", "--count", "3");
            long bound = System.nanoTime() + 30 * SECOND;
            while (!Files.exists(chronySock) && sockMonitor.isAlive() && System.nanoTime() < bound) {
                Thread.sleep(50);
            }
            exitedEarly(sockMonitor, sockMonitor.logFile());
            // gpsd never feeds NTP from a pseudo terminal (its test-harness guard); the shim makes stat() of the
            // pty behind the socat link report a serial port. -b: read-only, no probing; -N: foreground.
            gpsd = Daemon.start("gpsd", dir.resolve("gpsd.log"), Arrays.asList(GPSD, "-N", "-n", "-b", "-S",
                    Integer.toString(freePort()), "-F", dir.resolve("gpsd.sock").toString(), "-D", "4",
                    dev.toString()), Map.of("LD_PRELOAD", shim.toString(), "FAKESERIAL_PPS", "1"));
            Thread.sleep(300);
            feeder = new NmeaFeeder(in);
            NmeaFeeder fed = feeder;
            for (int u = 0; u < RealUnits.UNITS; u++) {
                awaitSegment(RealUnits.BASE + u, 10);
            }
            Map<Integer, ShmSegment> segs = new TreeMap<>();
            for (ShmSegment s : ShmSegment.list()) {
                if (s.key() >= RealUnits.BASE && s.key() < RealUnits.BASE + RealUnits.UNITS) {
                    segs.put(s.key() - RealUnits.BASE, s);
                }
            }
            // NTP0 samples: the clock is the whole second named by the sentences, received ~50 ms later
            Map<String, ShmRead> ntp0 = new LinkedHashMap<>();
            long deadline = System.nanoTime() + 15 * SECOND;
            while (System.nanoTime() < deadline && gpsd.isAlive()) {
                ntp0.clear();
                for (String backend : BACKENDS) {
                    try (NtpdShm r = NtpdShm.open(ShmOptions.builder(0).backend(backend).attachOnly().readOnly(true)
                            .build())) {
                        ntp0.put(backend, r.peek());
                    }
                }
                if (ntp0.values().stream().allMatch(ShmRead::isOk) && ntp0.values().stream()
                        .map(r -> r.sample().get()).distinct().count() == 1) {
                    break;
                }
                Thread.sleep(100);
            }
            exitedEarly(gpsd, gpsd.logFile());
            String gpsdLog = gpsd.log();
            for (String backend : BACKENDS) {
                SUMMARY.check(peer, backend, "LP64 96", () -> {
                    StringBuilder seen = new StringBuilder();
                    for (int u = 0; u < RealUnits.UNITS; u++) {
                        ShmSegment s = segs.get(u);
                        assertTrue(s != null, "gpsd did not create unit " + u + "; segments: " + segs.values()
                                + "\ngpsd log: " + abbreviate(gpsdLog, 2000));
                        int want = u < 2 ? 0600 : 0666;
                        assertTrue(s.uid() == 0 && s.permissions() == want && s.size() == 96,
                                "unit " + u + ": expected root 0" + Integer.toOctalString(want) + " 96 bytes: " + s);
                        try (NtpdShm r = NtpdShm.open(ShmOptions.builder(u).backend(backend).attachOnly()
                                .readOnly(true).build())) {
                            assertEquals(ShmLayout.LP64, r.layout(), "unit " + u + " " + r.segment());
                            assertEquals(want, r.segment().permissions(), "unit " + u + " " + r.segment());
                        }
                    }
                    seen.append("units 0..7 open read-only, layout LP64 inferred, root 0600 (0, 1) / 0666 (2..7); ");
                    ShmRead r = ntp0.get(backend);
                    assertTrue(r != null && r.isOk(), "no NTP0 sample from gpsd in 15 s (the feeder wrote " + fed.cycles()
                            + " cycles" + (fed.failure() == null ? "" : ", then failed: " + fed.failure()) + "; read "
                            + ntp0 + ")\ngpsd log: "
                            + abbreviate(gpsdLog, 3000));
                    ShmSample s = r.sample().get();
                    long lag = -s.offsetNanos();
                    assertTrue(s.clockNanos() == 0 && s.hasNanoseconds(),
                            "gpsd's clock should be the whole second of the sentence: " + s);
                    assertTrue(lag >= NmeaFeeder.LAG_MILLIS * 1_000_000L && lag < 300_000_000L,
                            "receive - clock should be about the feeder's " + NmeaFeeder.LAG_MILLIS + " ms: " + s);
                    assertTrue(ntp0.values().stream().map(x -> x.sample().get()).distinct().count() == 1,
                            "the three backends read different samples: " + ntp0);
                    return seen + "NTP0 from NMEA: clock " + s.clockTimeStampSec() + ".000000000, offset "
                            + Texts.seconds(s.offsetNanos()) + " s (sentences sent " + NmeaFeeder.LAG_MILLIS
                            + " ms after the second), same sample through every backend";
                });
            }
            Daemon mon = sockMonitor;
            long sockDeadline = System.nanoTime() + 20 * SECOND;
            while (mon.isAlive() && System.nanoTime() < sockDeadline) {
                Thread.sleep(100);
            }
            String gpsdLogNow = gpsd.log();  // the log up to the monitor's last sample
            SUMMARY.check(peer + " -> ntpdshm monitor --sock", "panama", "SOCK 40", () -> {
                List<String> samples = Arrays.stream(mon.log().split("\n"))
                        .filter(l -> l.startsWith("{\"type\":\"sample\"")).collect(Collectors.toList());
                assertTrue(samples.size() == 3, "gpsd sent " + samples.size() + " SOCK samples to " + chronySock
                        + " (want 3); monitor output:\n" + mon.log() + "\ngpsd log: "
                        + abbreviate(gpsdLogNow, 3000));
                // gpsd logs each sample it sends: "accepted chrony sock @ CLOCK offset OFFSET"; ours must match it
                Map<Instant, String> sent = new LinkedHashMap<>();
                Matcher g = Pattern.compile("accepted chrony sock @\\s+(\\d+)\\.(\\d{9}) offset\\s+(-?\\d+\\.\\d{9})")
                        .matcher(gpsdLogNow);
                while (g.find()) {
                    sent.put(Instant.ofEpochSecond(Long.parseLong(g.group(1)), Long.parseLong(g.group(2))), g.group(3));
                }
                String last = "";
                for (String s : samples) {
                    Matcher m = Pattern.compile("\"receive\":\"([^\"]+)\".*\"offset_ns\":(-?\\d+).*\"leap\":(\\d+)"
                            + ",\"pulse\":(\\d+)").matcher(s);
                    assertTrue(m.find(), "not a sample line: " + s);
                    Instant tv = Instant.parse(m.group(1));
                    // gpsd rounds its nanosecond clock to tv's microsecond
                    Instant key = sent.keySet().stream().filter(c -> Math.abs(java.time.Duration.between(c, tv)
                            .toNanos()) <= 500).findFirst().orElse(null);
                    String logged = sent.get(key);
                    assertTrue(logged != null, "gpsd logged no SOCK sample within 0.5 us of tv " + tv + " (" + s
                            + "); it logged " + sent);
                    long want = new BigDecimal(logged).movePointRight(9).longValueExact();
                    assertTrue(Math.abs(Long.parseLong(m.group(2)) - want) <= 1, "gpsd logged offset " + logged
                            + " s, the monitor decoded " + s);
                    assertEquals("0", m.group(3), "leap: " + s);
                    assertEquals("0", m.group(4), "gpsd 3.22 sends pulse 0: " + s);
                    last = "gpsd clock " + key + ", offset " + logged;
                }
                return "3 samples on " + chronySock + " (gpsd found the socket at start; the PPS edges are played"
                        + " on the pty's DCD by fakeserial.c), each tv and offset exactly as gpsd logged sending them,"
                        + " e.g. " + last + " s";
            });
        } catch (Exception | AssertionError e) {
            SUMMARY.fail(peer, "setup", e);
        } finally {
            if (feeder != null) {
                feeder.close();
            }
            if (gpsd != null) {
                gpsd.close();
            }
            if (sockMonitor != null) {
                sockMonitor.close();  // SIGTERM: the monitor removes its socket file
                Files.deleteIfExists(chronySock);
            }
            if (socat != null) {
                socat.close();
            }
            RealUnits.removeAll();
        }
        SUMMARY.throwIfFailed();
    }

    private static Path compileFakeSerial(Path dir) throws IOException {
        Path src = dir.resolve("fakeserial.c");
        try (InputStream in = InteropTest.class.getResourceAsStream("fakeserial.c")) {
            Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
        }
        Path so = dir.resolve("fakeserial.so");
        CPeer.Result r = CPeer.run(Arrays.asList("gcc", "-shared", "-fPIC", "-O2", "-Wall", "-o", so.toString(),
                src.toString(), "-ldl"), 60);
        if (r.exit != 0) {
            throw new IllegalStateException("cannot compile fakeserial.c: " + r.output);
        }
        return so;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ---- 7. chrony's SOCK refclock: every backend, start order, restart; both bridges -------------------------

    @Test
    @Order(7)
    void chronyReadsEveryBackendOverSock() throws Exception {
        String peer = VERSIONS.get("chronyd") + " SOCK";
        KernelClock before = KernelClock.read();
        for (String backend : BACKENDS) {
            Path dir = Files.createDirectories(work.resolve("chrony-sock-" + backend));
            Path path = dir.resolve("clk.sock");
            Daemon chronyd = null;
            // the feeder starts first: nothing listens, its samples are dropped until chronyd binds the path
            try (SockWriter w = new SockWriter(SockOptions.builder(path).backend(backend), -SECOND, 250)) {
                Thread.sleep(600);
                long droppedBefore = w.dropped();
                String conf = "refclock SOCK " + path + " refid " + refid(backend) + " poll 0\n";
                chronyd = chronyd(dir, conf);
                String first = awaitTracking(chronyd, dir, refid(backend));
                chronyd.close();
                long sentBefore = w.sent();
                Thread.sleep(600);  // chronyd gone: the feeder's samples are dropped again, and reported
                long droppedDuring = w.dropped();
                chronyd = chronyd(dir, conf);
                String again = awaitTracking(chronyd, dir, refid(backend));
                w.check();
                long sentAfter = w.sent();
                SUMMARY.check(peer + " (feeder started first)", backend, "40 bytes", () -> {
                    assertTrue(droppedBefore > 0, "the feeder never ran without a listener");
                    return trackingSeen(first, refid(backend)) + "; " + droppedBefore + " samples dropped before"
                            + " chronyd bound the path";
                });
                SUMMARY.check(peer + " (chronyd restarted)", backend, "40 bytes", () -> {
                    assertTrue(droppedDuring > droppedBefore, "no sample dropped while chronyd was down");
                    assertTrue(sentAfter > sentBefore, "nothing sent to the restarted chronyd");
                    return trackingSeen(again, refid(backend)) + "; the same writer, " + (droppedDuring - droppedBefore)
                            + " samples dropped while chronyd was down";
                });
            } catch (Exception | AssertionError e) {
                SUMMARY.fail(peer, "chronyd SOCK with " + backend, e);
            } finally {
                if (chronyd != null) {
                    chronyd.close();
                }
            }
        }
        kernelClockUntouched(peer, before);
        SUMMARY.throwIfFailed();
    }

    @Test
    @Order(8)
    void bridgesCarrySamplesBothWays() throws Exception {
        Path dir = Files.createDirectories(work.resolve("bridge"));
        // an SHM writer on unit 2 -> ntpdshm bridge -> chronyd's SOCK refclock
        String peer = VERSIONS.get("chronyd") + " SOCK via bridge";
        Daemon chronyd = null;
        Daemon bridge = null;
        try (JavaWriter w = writer(2, "panama", -SECOND, 250)) {
            Path path = dir.resolve("shm2.sock");
            bridge = cli("bridge-shm-sock", dir, "bridge", "--from-unit", "2", "--to-sock", path.toString(), "--quiet");
            chronyd = chronyd(dir, "refclock SOCK " + path + " refid BRDG poll 0\n");
            String tracking = awaitTracking(chronyd, dir, "BRDG");
            w.check();
            exitedEarly(bridge, bridge.logFile());
            SUMMARY.check(peer, "panama", "SHM LP64 96 -> SOCK 40", () -> trackingSeen(tracking, "BRDG")
                    + "; from an SHM writer on unit 2 through `ntpdshm bridge --from-unit 2 --to-sock`");
        } catch (Exception | AssertionError e) {
            SUMMARY.fail(peer, "SHM -> bridge -> chronyd", e);
        } finally {
            if (chronyd != null) {
                chronyd.close();
            }
            if (bridge != null) {
                bridge.close();
            }
            RealUnits.removeAll();
        }
        // a SOCK writer -> ntpdshm bridge -> unit 3 -> NTPsec
        String ntpPeer = "NTPsec " + VERSIONS.get("ntpd").replace("ntpsec-", "") + " via bridge";
        Daemon ntpd = null;
        bridge = null;
        KernelClock before = KernelClock.read();
        try {
            Path path = dir.resolve("gps.sock");
            bridge = cli("bridge-sock-shm", dir, "bridge", "--from-sock", path.toString(), "--to-unit", "3", "--quiet");
            long end = System.nanoTime() + 30 * SECOND;
            while (!Files.exists(path) && bridge.isAlive() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            exitedEarly(bridge, bridge.logFile());
            try (SockWriter w = new SockWriter(SockOptions.builder(path).backend("jna"), -SECOND, 250)) {
                awaitSegment(RealUnits.BASE + 3, 10);
                String conf = "server 127.127.28.3 noselect minpoll 0 maxpoll 0\nfudge 127.127.28.3 refid BRDG"
                        + " stratum 10\nrestrict default ignore\nrestrict 127.0.0.1\ninterface ignore all\n"
                        + "interface listen 127.0.0.1\ndisable ntp kernel\ndriftfile " + dir.resolve("ntp.drift") + "\n";
                Path confFile = dir.resolve("ntp.conf");
                Files.write(confFile, conf.getBytes(StandardCharsets.US_ASCII));
                Path log = dir.resolve("ntpd.log");
                ntpd = Daemon.start("ntpd", dir.resolve("ntpd-stdout.log"), Arrays.asList(SETPRIV,
                        "--bounding-set=-sys_time", "--inh-caps=-sys_time", NTPD, "-n", "-c", confFile.toString(),
                        "-l", log.toString()), Collections.emptyMap());
                String[] p = null;
                String last = "";
                end = System.nanoTime() + 30 * SECOND;
                while (System.nanoTime() < end && ntpd.isAlive()) {
                    last = run(10, NTPQ, "-pn", "127.0.0.1");
                    p = ntpqPeers(last).get(3);
                    if (p != null && !p[6].equals("0") && showsMinusOneSecond(p)) {
                        break;
                    }
                    Thread.sleep(250);
                }
                exitedEarly(ntpd, log);
                exitedEarly(bridge, bridge.logFile());
                w.check();
                String[] seen = p;
                String ntpq = last;
                SUMMARY.check(ntpPeer, "jna", "SOCK 40 -> SHM LP64 96", () -> {
                    String line = seen == null ? "no SHM(3) line in ntpq -pn:\n" + ntpq : String.join(" ", seen);
                    assertTrue(seen != null && !seen[6].equals("0"), "SHM(3) not reached: " + line);
                    assertTrue(showsMinusOneSecond(seen),
                            "SHM(3) offset is not -1000.00 or -1000.01 ms: " + line);
                    return "`" + line + "`; from a SOCK writer through `ntpdshm bridge --from-sock --to-unit 3`";
                });
            }
        } catch (Exception | AssertionError e) {
            SUMMARY.fail(ntpPeer, "SOCK -> bridge -> ntpd", e);
        } finally {
            if (ntpd != null) {
                ntpd.close();
            }
            if (bridge != null) {
                bridge.close();
            }
            kernelClockUntouched(ntpPeer, before);
            RealUnits.removeAll();
        }
        SUMMARY.throwIfFailed();
    }

    /** chronyd in the foreground with this refclock, {@code -x} (never touches the clock), its socket under dir. */
    private static Daemon chronyd(Path dir, String refclocks) throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
        String conf = refclocks + "driftfile " + dir.resolve("chrony.drift") + "\npidfile " + dir.resolve("chronyd.pid")
                + "\nport 0\ncmdport 0\nbindcmdaddress " + run.resolve("chronyd.sock") + "\nlogdir " + dir
                + "\nlog refclocks tracking\n";
        Path confFile = dir.resolve("chrony.conf");
        Files.write(confFile, conf.getBytes(StandardCharsets.US_ASCII));
        return Daemon.start("chronyd", dir.resolve("chronyd.log"), Arrays.asList(CHRONYD, "-u", "root", "-x", "-d",
                "-f", confFile.toString()), Collections.emptyMap());
    }

    /**
     * Polls chronyc until the refclock is selected and {@code System time} is 1 s fast within 1 us (30 s at most);
     * returns the last {@code sources -c} and {@code tracking} outputs.
     */
    private static String awaitTracking(Daemon chronyd, Path dir, String refid) throws Exception {
        String sock = dir.resolve("run").resolve("chronyd.sock").toString();
        String sources = "";
        String tracking = "";
        long end = System.nanoTime() + 30 * SECOND;
        while (System.nanoTime() < end && chronyd.isAlive()) {
            sources = run(10, CHRONYC, "-h", sock, "-c", "sources");
            tracking = run(10, CHRONYC, "-h", sock, "tracking");
            if (sources.contains("#,*," + refid + ",") && Math.abs(systemTimeFast(tracking) - 1.0) <= 1e-6) {
                break;
            }
            Thread.sleep(200);
        }
        exitedEarly(chronyd, chronyd.logFile());
        return sources + "\n" + tracking;
    }

    /** The seconds of {@code System time : X seconds fast of NTP time}, NaN if absent. */
    private static double systemTimeFast(String tracking) {
        Matcher m = Pattern.compile("System time\\s+: ([0-9.]+) seconds fast of NTP time").matcher(tracking);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The check of {@link #awaitTracking}'s output: selected, 1 s fast within 1 us; what was seen. */
    private static String trackingSeen(String out, String refid) {
        String line = Arrays.stream(out.split("\n")).filter(l -> l.startsWith("#,*," + refid + ",")).findFirst()
                .orElse(null);
        assertTrue(line != null, "refclock " + refid + " not selected ('*'): " + out);
        String sys = Arrays.stream(out.split("\n")).filter(l -> l.startsWith("System time")).findFirst()
                .orElse("no System time line: " + out);
        assertTrue(Math.abs(systemTimeFast(out) - 1.0) <= 1e-6, "chronyc tracking: " + sys);
        return "`" + sys.replaceAll("\\s+", " ") + "`; sources `" + line + "`";
    }

    /** The ntpdshm tool (ntpdshm-cli's Main on this JVM's class path) in a child JVM, stopped by its PID. */
    private static Daemon cli(String name, Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.github.ntpdshm.cli.Main"));
        cmd.addAll(Arrays.asList(args));
        return Daemon.start(name, dir.resolve(name + ".log"), cmd, Collections.emptyMap());
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Fails with the end of its log if the daemon is gone already. */
    private static void exitedEarly(Daemon d, Path log) throws IOException {
        if (!d.isAlive()) {
            String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            throw new AssertionError(d + " exited early; the end of " + log.getFileName() + ":\n"
                    + text.substring(Math.max(0, text.length() - 2000)));
        }
    }

    private static JavaWriter writer(int unit, String backend, long offsetNanos, long intervalMillis) {
        return new JavaWriter(ShmOptions.builder(unit).backend(backend).layout(ShmLayout.LP64).build(), offsetNanos,
                intervalMillis);
    }

    private static String refid(String backend) {
        return backend.equals("panama") ? "PANA" : backend.toUpperCase(java.util.Locale.ROOT);
    }

    private static Optional<ShmSegment> awaitSegment(int key, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * SECOND;
        Optional<ShmSegment> s = ShmSegment.ofKey(key);
        while (!s.isPresent() && System.nanoTime() < end) {
            Thread.sleep(50);
            s = ShmSegment.ofKey(key);
        }
        return s;
    }

    private static String run(int timeoutSeconds, String... cmd) {
        return CPeer.run(Arrays.asList(cmd), timeoutSeconds).output;
    }

    private static String firstMatch(String text, String regex, String otherwise) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group() : otherwise;
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("Uid:")) {
                return line.substring(4).trim().split("\\s+")[1].equals("0");
            }
        }
        return false;
    }

    private interface PathFilter {
        boolean accept(Path p);
    }

    private static void copyTree(Path from, Path to, PathFilter filter) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                if (a.isRegularFile() && filter.accept(f)) {
                    Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
