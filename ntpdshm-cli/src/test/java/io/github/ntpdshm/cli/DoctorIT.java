/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.TestSegments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * doctor end to end on real segments under a private key base, with daemon configurations written by the test.
 * Whether the real daemons agree with each verdict is checked in ntpdshm-interop (DoctorInteropTest).
 */
class DoctorIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestSegments segs = new TestSegments();
    private final String kb = "0x" + Integer.toHexString(segs.keyBase());

    @TempDir
    Path dir;

    @AfterEach
    void cleanup() {
        List<ShmSegment> attached = segs.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    private NtpdShm create(int unit, ShmLayout layout) {
        return NtpdShm.open(segs.options(unit, "panama").layout(layout).permissions(0666).build());
    }

    /** One sample written now - ageSeconds, clock 1 s behind receive. */
    private void write(int unit, ShmLayout layout, double ageSeconds, int leap) {
        try (NtpdShm w = create(unit, layout)) {
            w.setLeap(leap);
            Instant receive = Instant.now().minusMillis(Math.round(ageSeconds * 1000));
            w.update(receive.minusSeconds(1), receive);
        }
    }

    private Path conf(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, text.getBytes(StandardCharsets.US_ASCII));
        return p;
    }

    private Jar.Result doctor(String... extra) throws Exception {
        List<String> a = new ArrayList<>(Arrays.asList("doctor", "--key-base", kb, "--watch", "0"));
        a.addAll(Arrays.asList(extra));
        return Jar.run(a.toArray(new String[0]));
    }

    private JsonNode doctorJson(String... extra) throws Exception {
        List<String> a = new ArrayList<>(Arrays.asList(extra));
        a.add("--json");
        Jar.Result r = doctor(a.toArray(new String[0]));
        assertTrue(r.exit == 0 || r.exit == Doctor.REJECTED, r.toString());
        assertEquals(1, r.out.size(), r.toString());
        JsonNode j = JSON.readTree(r.out.get(0));
        assertEquals(1, j.get("format").asInt());
        assertEquals(r.exit == 0, j.get("ok").asBoolean(), r.toString());
        return j;
    }

    private static JsonNode unit(JsonNode doc, int unit) {
        for (JsonNode u : doc.get("units")) {
            if (u.get("unit").asInt() == unit) {
                return u;
            }
        }
        throw new AssertionError("no unit " + unit + " in " + doc);
    }

    private static String reasons(JsonNode verdict) {
        StringBuilder b = new StringBuilder();
        verdict.get("reasons").forEach(r -> b.append(r.asText()).append('\n'));
        return b.toString();
    }

    private static void accepts(JsonNode unit, String daemon) {
        JsonNode v = unit.get(daemon);
        assertTrue(v.get("accept").asBoolean(), daemon + " should accept unit " + unit.get("unit") + ": " + v);
        assertEquals(0, v.get("reasons").size(), v.toString());
    }

    private static void rejects(JsonNode unit, String daemon, String because) {
        JsonNode v = unit.get(daemon);
        assertFalse(v.get("accept").asBoolean(), daemon + " should reject unit " + unit.get("unit") + ": " + v);
        assertTrue(reasons(v).contains(because), daemon + ": no reason containing '" + because + "': " + v);
    }

    /** Keeps writing fresh samples (ages stay put however slowly the tool's JVM starts); closes the handles. */
    private static final class Writer implements AutoCloseable {
        private final List<NtpdShm> handles;
        private final Thread thread;

        Writer(List<NtpdShm> handles, java.util.function.Consumer<List<NtpdShm>> onePass) {
            this.handles = handles;
            onePass.accept(handles);
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    onePass.accept(handles);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join();
            handles.forEach(NtpdShm::close);
        }
    }

    @Test
    void everyRuleAgainstConfiguredDaemons() throws Exception {
        write(4, ShmLayout.LP64, 60, 0);           // too old for both
        write(5, ShmLayout.LP64, 0, 3);            // leap 3
        try (NtpdShm w = create(6, ShmLayout.LP64)) {
            w.update(Instant.now().minusSeconds(1), Instant.now());
            w.setMode(7);
        }
        write(1, ShmLayout.ILP32, 0, 0);           // 80 bytes where the daemons use 96
        write(9, ShmLayout.LP64, 0, 0);            // read by neither daemon
        try (Writer fresh = new Writer(Arrays.asList(create(2, ShmLayout.LP64), create(3, ShmLayout.LP64),
                create(7, ShmLayout.LP64)), h -> {
                    Instant now = Instant.now();
                    h.get(0).update(now.minusSeconds(1), now);                          // healthy
                    Instant old = now.minusMillis(3500);                                // ntpd yes (<= 5 s), chrony poll 0 no (> 2 s)
                    h.get(1).update(old.minusSeconds(1), old);
                    h.get(2).update(now.getEpochSecond() - 1, 123_456_789, now.getEpochSecond(), 0);
                    h.get(2).setClockTimeStampNSec(999_999_999L);                       // disagrees with USec: readers use USec
                })) {
            everyRule();
        }
    }

    private void everyRule() throws Exception {
        Path ntp = conf("ntpsec/ntp.conf", "server 127.127.28.1 minpoll 0\nrefclock shm unit 2 refid A\n"
                + "server 127.127.28.3\nserver 127.127.28.4\nserver 127.127.28.5\nserver 127.127.28.6\n"
                + "server 127.127.28.7 # comment\n");
        Path chrony = conf("chrony/chrony.conf", "refclock SHM 1 poll 0\nrefclock SHM 2 poll 0\nrefclock SHM 3 poll 0\n"
                + "confdir " + dir.resolve("chrony/conf.d") + "\n");
        conf("chrony/conf.d/more.conf", "refclock SHM 4:perm=0644 poll 0\nrefclock SHM 5 poll 0 dpoll 0\n"
                + "refclock SHM 6 poll 0\nrefclock SHM 7 poll 0\n");
        JsonNode doc = doctorJson("--ntp-conf", ntp.toString(), "--chrony-conf", chrony.toString());
        assertFalse(doc.get("ok").asBoolean());
        accepts(unit(doc, 2), "ntpd");
        accepts(unit(doc, 2), "chrony");
        accepts(unit(doc, 3), "ntpd");
        rejects(unit(doc, 3), "chrony", "chrony with poll 0 takes samples at most 2^(poll+1) = 2 s old");
        rejects(unit(doc, 4), "ntpd", "ntpd takes samples at most 5 s old");
        rejects(unit(doc, 4), "chrony", "at most 2^(poll+1) = 2 s old");
        rejects(unit(doc, 5), "ntpd", "leap is 3");
        rejects(unit(doc, 5), "chrony", "leap is 3");
        rejects(unit(doc, 6), "ntpd", "mode is 7");
        rejects(unit(doc, 6), "chrony", "mode is 7");
        accepts(unit(doc, 7), "ntpd");
        accepts(unit(doc, 7), "chrony");
        assertTrue(unit(doc, 7).get("ntpd").get("notes").toString().contains("uses the microseconds, so the offset it"
                + " sees is -0.876544000 s"), unit(doc, 7).toString());
        rejects(unit(doc, 1), "ntpd", "the segment is 80 bytes (ILP32) but ntpd/NTPsec on this machine uses 96 bytes");
        rejects(unit(doc, 1), "chrony", "its shmget for 96 bytes fails with EINVAL");
        JsonNode u9 = unit(doc, 9);
        assertFalse(u9.get("ntpd").get("reads").asBoolean());
        assertFalse(u9.get("ntpd").get("counts").asBoolean());
        rejects(u9, "chrony", "reads no SHM unit 9");
        assertTrue(unit(doc, 4).get("chrony").get("notes").toString().contains("more.conf:1"), unit(doc, 4).toString());
        assertEquals("0666", unit(doc, 2).get("segment").get("permissions").asText());
        assertEquals(1, doc.get("assumed").size(), "only the layout was assumed: " + doc.get("assumed"));
    }

    @Test
    void healthyUnitsExit0AndTheTextSaysOk() throws Exception {
        write(2, ShmLayout.LP64, 0, 0);
        Jar.Result r = doctor("--ntp-conf", "none", "--chrony-conf", "none", "--units", "0-7");
        assertEquals(0, r.exit, r.toString());
        assertEquals("", r.stderr());
        String out = r.stdout();
        assertTrue(out.contains("# assumed: no ntpd configuration"), out);
        assertTrue(out.contains("# assumed: no chrony configuration"), out);
        assertTrue(out.contains("unit 2 (key " + segs.hexKey(2) + ")"), out);
        assertTrue(out.contains("  ntpd/NTPsec: ACCEPT"), out);
        assertTrue(out.contains("  chrony:      ACCEPT"), out);
        assertTrue(r.out.get(r.out.size() - 1).startsWith("ok: every unit present is accepted"), out);
    }

    @Test
    void aRejectExits3WithEveryReason() throws Exception {
        try (NtpdShm w = create(2, ShmLayout.LP64)) {
            Instant old = Instant.now().minusSeconds(100);
            w.update(old.minusSeconds(1), old);
            w.setLeap(3);
        }
        Jar.Result r = doctor("--ntp-conf", "none", "--chrony-conf", "none");
        assertEquals(Doctor.REJECTED, r.exit, r.toString());
        String out = r.stdout();
        assertTrue(out.contains("  ntpd/NTPsec: REJECT"), out);
        assertTrue(out.contains("    - leap is 3"), out);
        assertTrue(out.contains("ntpd takes samples at most 5 s old"), out);
        assertTrue(out.contains("chrony with poll 4 takes samples at most 2^(poll+1) = 32 s old"), out);
        assertTrue(r.out.get(r.out.size() - 1).startsWith("PROBLEM:"), out);
    }

    @Test
    void theWatchSeesAConsumerAndAWriter() throws Exception {
        try (NtpdShm w = create(2, ShmLayout.LP64); NtpdShm consumer = NtpdShm.open(segs.options(2, "panama").build())) {
            // writes and consumes until doctor has finished, however long its JVM takes to start on a busy machine
            Thread writer = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    w.update(Instant.now().minusSeconds(1), Instant.now());
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                    consumer.consume();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            writer.start();
            try {
                Jar.Result r = Jar.run("doctor", "--key-base", kb, "--watch", "1s", "--units", "2", "--json",
                        "--ntp-conf", "none", "--chrony-conf", "none");
                JsonNode u = unit(JSON.readTree(r.out.get(0)), 2);
                JsonNode watch = u.get("watch");
                assertTrue(watch.get("countChanges").asInt() > 0, u.toString());
                assertTrue(watch.get("validCleared").asInt() > 0, u.toString());
                JsonNode procs = u.get("segment").get("processes");
                assertEquals(1, procs.size(), "this JVM holds both handles: " + u);
                assertEquals(ProcessHandle.current().pid(), procs.get(0).get("pid").asLong());
            } finally {
                writer.interrupt();
                writer.join();
            }
        }
    }

    @Test
    void aMissingConfiguredUnitIsReported() throws Exception {
        Path chrony = conf("chrony.conf", "refclock SHM 4 poll 2\n");
        JsonNode doc = doctorJson("--ntp-conf", "none", "--chrony-conf", chrony.toString());
        JsonNode u4 = unit(doc, 4);
        assertFalse(u4.get("present").asBoolean());
        rejects(u4, "chrony", "no segment for unit 4");
        assertFalse(u4.get("ntpd").get("counts").asBoolean(), "ntpd is assumed only when no daemon is configured");
        assertFalse(doc.get("ok").asBoolean());
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        Jar.Result r = Jar.run("doctor", "--key-base", kb, "--chrony-conf", dir.resolve("nope.conf").toString());
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.stderr().contains("cannot read the configuration"), r.toString());
        Jar.Result w = Jar.run("doctor", "--key-base", kb, "--watch", "-1");
        assertEquals(2, w.exit, w.toString());
    }

    @Test
    void twoConsumersOnOneUnitAreAReject() throws Exception {
        write(2, ShmLayout.LP64, 0, 0);
        // two C processes named like the daemons (doctor knows them by /proc/PID/comm), each attached to unit 2
        Path src = Files.write(dir.resolve("attach.c"), ("#include <sys/ipc.h>\n#include <sys/shm.h>\n"
                + "#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\n"
                + "int main(int c, char **v) { int id = shmget((key_t) strtoul(v[1], 0, 0), 0, 0);"
                + " if (id < 0 || shmat(id, 0, SHM_RDONLY) == (void *) -1) return 1;"
                + " puts(\"attached\"); fflush(stdout); sleep(60); return 0; }\n").getBytes(StandardCharsets.US_ASCII));
        List<Process> consumers = new ArrayList<>();
        try {
            for (String name : new String[] {"ntpd", "chronyd"}) {
                Path bin = dir.resolve(name);
                Process gcc = new ProcessBuilder("gcc", "-O2", "-o", bin.toString(), src.toString())
                        .redirectErrorStream(true).start();
                assertEquals(0, gcc.waitFor(), new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                Process p = new ProcessBuilder(bin.toString(), segs.hexKey(2)).start();
                consumers.add(p);
                assertEquals("attached", new String(p.getInputStream().readNBytes(8), StandardCharsets.US_ASCII));
            }
            JsonNode u = unit(doctorJson("--ntp-conf", "none", "--chrony-conf", "none"), 2);
            for (String daemon : new String[] {"ntpd", "chrony"}) {
                rejects(u, daemon, "unit 2 is read by 2 consumers (");
                rejects(u, daemon, "ntpd (pid " + consumers.get(0).pid() + ")");
                rejects(u, daemon, "chronyd (pid " + consumers.get(1).pid() + ")");
                rejects(u, daemon, "each clears valid, so they steal each other's samples");
            }
        } finally {
            for (Process p : consumers) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }
}
