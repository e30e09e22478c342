package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.CPeer;
import io.github.ntpdshm.conformance.TestSegments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The long-running commands as services: a segment removed under them, systemd's notify protocol, --verbose. */
class ServiceIT {

    private final TestSegments segs = new TestSegments();
    private final String kb = "0x" + Integer.toHexString(segs.keyBase());

    @AfterEach
    void cleanup() {
        List<ShmSegment> attached = segs.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    private void ipcrm(int unit) {
        ShmSegment s = ShmSegment.ofKey(segs.key(unit)).orElseThrow();
        CPeer.run(Arrays.asList("ipcrm", "-m", Integer.toString(s.shmid())), 10);
    }

    @Test
    void feedStopsWithAClearMessageWhenItsSegmentIsRemoved() throws Exception {
        Jar.Running feed = Jar.start("feed", "--unit", "2", "--interval", "50ms", "--key-base", kb);
        try {
            feed.awaitLines(Pattern.compile("unit 2  receive .*"), 2, 60_000);
            int shmid = ShmSegment.ofKey(segs.key(2)).get().shmid();
            ipcrm(2);
            Jar.Result r = feed.await(30);
            assertEquals(1, r.exit, r.toString());
            assertEquals("ntpdshm feed: unit 2 (key " + segs.hexKey(2) + "): the segment (shmid " + shmid + ") was"
                    + " removed while this ran; no daemon reads the old one any more, so it stops. Start it again (a"
                    + " service manager with Restart=on-failure does), and it attaches to the segment there is then.",
                    r.stderr());
        } finally {
            feed.kill();
        }
    }

    @Test
    void feedNoticesTheSegmentCreatedAgain() throws Exception {
        Jar.Running feed = Jar.start("feed", "--unit", "3", "--interval", "50ms", "--quiet", "--key-base", kb);
        try {
            long end = System.currentTimeMillis() + 60_000;
            while (ShmSegment.ofKey(segs.key(3)).map(ShmSegment::attachCount).orElse(0L) == 0
                    && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            ipcrm(3);
            Jar.Result other = Jar.run("feed", "--unit", "3", "--count", "1", "--quiet", "--key-base", kb);
            assertEquals(0, other.exit, other.toString());
            Jar.Result r = feed.await(30);
            assertEquals(1, r.exit, r.toString());
            assertTrue(r.stderr().matches("ntpdshm feed: unit 3 \\(key " + segs.hexKey(3) + "\\): the segment \\(shmid"
                    + " \\d+\\) was (removed|removed and created again \\(now shmid \\d+\\)) while this ran;.*"), r.toString());
        } finally {
            feed.kill();
        }
    }

    @Test
    void theExporterTellsSystemdItIsReady() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/bin/systemd-notify"))
                && Files.isExecutable(Paths.get("/usr/bin/socat")), "needs systemd-notify and socat");
        Path dir = Files.createTempDirectory(Paths.get("target"), "notify");
        Path sock = dir.resolve("notify.sock").toAbsolutePath();
        Path got = dir.resolve("got.txt");
        // systemd's side: a unix datagram socket that prints what arrives
        Process systemd = new ProcessBuilder("socat", "-u", "UNIX-RECV:" + sock, "-").redirectOutput(got.toFile())
                .redirectErrorStream(true).start();
        try {
            long end = System.currentTimeMillis() + 10_000;
            while (!Files.exists(sock) && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            List<String> cmd = Jar.command(new ArrayList<>(), Jar.JAR, "exporter", "--listen", "127.0.0.1:0", "--quiet",
                    "--units", "5", "--key-base", kb, "--ntp-conf", "none", "--chrony-conf", "none");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("exporter.txt").toFile());
            pb.environment().put("NOTIFY_SOCKET", sock.toString());
            pb.environment().put("WATCHDOG_USEC", "1000000");
            Process exp = pb.start();
            String text = "";
            end = System.currentTimeMillis() + 60_000;
            while (!(text.contains("READY=1") && text.contains("WATCHDOG=1")) && System.currentTimeMillis() < end) {
                Thread.sleep(100);
                text = new String(Files.readAllBytes(got), StandardCharsets.UTF_8);
            }
            exp.destroy();
            assertTrue(exp.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, exp.exitValue());
            String out = new String(Files.readAllBytes(dir.resolve("exporter.txt")), StandardCharsets.UTF_8);
            assertEquals("", out, "--quiet prints nothing");
            assertTrue(text.contains("MAINPID=" + exp.pid()), text);
            assertTrue(text.contains("READY=1"), text);
            assertTrue(text.contains("STATUS=exporting units 5"), text);
            assertTrue(text.contains("WATCHDOG=1"), text);
        } finally {
            systemd.destroy();
            systemd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void verboseNamesTheBackendAndWhyOthersWereSkipped() throws Exception {
        Jar.Result r = Jar.run("feed", "--unit", "6", "--count", "1", "--quiet", "--verbose", "--key-base", kb);
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("ntpdshm: backend panama (priority 30) chosen: the highest priority that works here"),
                r.toString());
        assertTrue(r.stderr().contains("ntpdshm: backend jna (priority 20) available, not chosen"), r.toString());
        Jar.Result quiet = Jar.run("feed", "--unit", "6", "--count", "1", "--quiet", "--key-base", kb);
        assertEquals("", quiet.stderr(), "no log lines without --verbose");
    }
}
