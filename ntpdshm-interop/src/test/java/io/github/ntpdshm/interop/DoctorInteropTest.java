package io.github.ntpdshm.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.conformance.CPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ntpdshm doctor}'s verdicts against the real daemons: on the real units 1..7, one case each, doctor says
 * accept or reject, and NTPsec ({@code ntpq} reach and offset) and chrony ({@code chronyc sources} reach) must
 * agree: a unit doctor rejects is never reached, a unit it accepts is.
 */
class DoctorInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Paths.get(System.getProperty("ntpdshm.jar", "../ntpdshm-cli/target/ntpdshm.jar"));
    private static final String CHRONY_ROOT = Optional.ofNullable(System.getenv("CHRONY_ROOT")).orElse("/opt/chrony");
    private static final long SECOND = 1_000_000_000L;

    /** unit: what it holds. */
    private static final Map<Integer, String> CASES = new TreeMap<>(Map.of(
            1, "wrong layout size (80 bytes, ILP32)",
            2, "healthy, 1 s behind",
            3, "3.5 s old (ntpd: fine; chrony poll 0: too old)",
            4, "60 s old",
            5, "leap 3",
            6, "mode 7",
            7, "NSec disagrees with USec"));

    private static Path work;
    private static Thread writer;
    private static final List<NtpdShm> HANDLES = new ArrayList<>();

    @BeforeAll
    static void claimAndWrite() throws IOException {
        RealUnits.checkFree(true);
        work = Files.createTempDirectory("ntpdshm-doctor-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (int unit : CASES.keySet()) {
            HANDLES.add(NtpdShm.open(ShmOptions.builder(unit).backend("panama").permissions(0666)
                    .layout(unit == 1 ? ShmLayout.ILP32 : ShmLayout.LP64).build()));
        }
        Consumer<Instant> pass = now -> {
            for (NtpdShm h : HANDLES) {
                Instant receive = now.minusMillis(h.unit() == 3 ? 3500 : h.unit() == 4 ? 60_000 : 0);
                if (h.unit() == 7) {
                    // clock = receive - 1 s + 123456 us; NSec says 999999999: readers must use USec (-876.544 ms)
                    h.update(now.getEpochSecond() - 1, 123_456_789, now.getEpochSecond(), 0);
                    h.setClockTimeStampNSec(999_999_999L);
                    continue;
                }
                h.setLeap(h.unit() == 5 ? 3 : 0);
                h.update(receive.minusSeconds(1), receive);
                if (h.unit() == 6) {
                    h.setMode(7);
                }
            }
        };
        pass.accept(Instant.now());
        writer = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                pass.accept(Instant.now());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "doctor-cases");
        writer.setDaemon(true);
        writer.start();
    }

    @AfterAll
    static void stopAndRemove() throws Exception {
        Daemon.stopAll();
        if (writer != null) {
            writer.interrupt();
            writer.join(5000);
        }
        HANDLES.forEach(NtpdShm::close);
        RealUnits.removeAll();
    }

    /** doctor's verdicts for one daemon, by unit. */
    private static Map<Integer, JsonNode> doctor(String daemon, String... confArgs) throws IOException {
        List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString(), "doctor", "--units", "1-7", "--watch", "0", "--json"));
        cmd.addAll(Arrays.asList(confArgs));
        CPeer.Result r = CPeer.run(cmd, 60);
        JsonNode doc = JSON.readTree(r.output);
        Files.write(work.resolve("doctor-" + daemon + ".json"), r.output.getBytes(StandardCharsets.UTF_8));
        Map<Integer, JsonNode> out = new TreeMap<>();
        for (JsonNode u : doc.get("units")) {
            out.put(u.get("unit").asInt(), u.get(daemon));
        }
        assertEquals(CASES.keySet(), out.keySet(), r.output);
        return out;
    }

    private static String describe(int unit, JsonNode verdict) {
        return "unit " + unit + " (" + CASES.get(unit) + "): doctor " + (verdict.get("accept").asBoolean() ? "accepts"
                : "rejects " + verdict.get("reasons"));
    }

    @Test
    void ntpsecTakesWhatDoctorAcceptsAndNothingElse() throws Exception {
        Path dir = Files.createDirectories(work.resolve("ntpsec"));
        StringBuilder conf = new StringBuilder();
        for (int u : CASES.keySet()) {
            conf.append("server 127.127.28.").append(u).append(" noselect minpoll 0 maxpoll 0\n");
        }
        conf.append("restrict default ignore\nrestrict 127.0.0.1\ninterface ignore all\ninterface listen 127.0.0.1\n")
                .append("disable ntp kernel\ndriftfile ").append(dir.resolve("ntp.drift")).append('\n');
        Path confFile = Files.write(dir.resolve("ntp.conf"), conf.toString().getBytes(StandardCharsets.US_ASCII));
        Map<Integer, JsonNode> verdicts = doctor("ntpd", "--ntp-conf", confFile.toString(), "--chrony-conf", "none");
        try (Daemon ntpd = Daemon.start("ntpd", dir.resolve("ntpd.log"), Arrays.asList("/usr/bin/setpriv",
                "--bounding-set=-sys_time", "--inh-caps=-sys_time", "/usr/sbin/ntpd", "-n", "-c", confFile.toString()),
                Collections.emptyMap())) {
            Map<Integer, String> rv = new TreeMap<>();
            long end = System.nanoTime() + 40 * SECOND;
            while (System.nanoTime() < end && ntpd.isAlive()) {
                rv = ntpqReach();
                if (rv.size() == CASES.size() && reached(rv).equals(accepted(verdicts))
                        && System.nanoTime() > end - 28 * SECOND) {
                    break;  // the accepted ones reached, and the others had at least 12 s to show they are not
                }
                Thread.sleep(500);
            }
            assertTrue(ntpd.isAlive(), "ntpd exited: " + ntpd.log());
            List<String> wrong = new ArrayList<>();
            for (int u : CASES.keySet()) {
                String line = rv.getOrDefault(u, "(no association)");
                boolean reached = reached(rv).contains(u);
                if (reached != verdicts.get(u).get("accept").asBoolean()) {
                    wrong.add(describe(u, verdicts.get(u)) + ", but ntpq says " + line);
                }
            }
            assertTrue(wrong.isEmpty(), String.join("\n", wrong));
            // doctor's note shows the offset ntpd uses for NSec disagreeing with USec: microseconds
            assertTrue(verdicts.get(7).get("notes").toString().contains("-0.876544000 s"), verdicts.get(7).toString());
            Matcher m = Pattern.compile("offset=(-?[0-9.]+)").matcher(rv.get(7));
            assertTrue(m.find(), rv.get(7));
            assertEquals(-876.544, Double.parseDouble(m.group(1)), 0.0005, rv.get(7));
        }
    }

    /** {@code ntpq -c "rv &N srchost,reach,offset"} by SHM unit. */
    private static Map<Integer, String> ntpqReach() {
        Map<Integer, String> out = new TreeMap<>();
        for (int n = 1; n <= CASES.size(); n++) {
            String line = CPeer.run(Arrays.asList("/usr/bin/ntpq", "-c", "rv &" + n + " srchost,reach,offset",
                    "127.0.0.1"), 10).output.replaceAll("\\s+", " ").trim();
            Matcher m = Pattern.compile("srchost=\"SHM\\((\\d+)\\)\"").matcher(line);
            if (m.find()) {
                out.put(Integer.parseInt(m.group(1)), line);
            }
        }
        return out;
    }

    private static java.util.Set<Integer> reached(Map<Integer, String> rv) {
        java.util.Set<Integer> s = new java.util.TreeSet<>();
        rv.forEach((u, line) -> {
            if (line.contains("reach=") && !line.contains("reach=000") && !line.contains("reach=0,")) {
                s.add(u);
            }
        });
        return s;
    }

    private static java.util.Set<Integer> accepted(Map<Integer, JsonNode> verdicts) {
        java.util.Set<Integer> s = new java.util.TreeSet<>();
        verdicts.forEach((u, v) -> {
            if (v.get("accept").asBoolean()) {
                s.add(u);
            }
        });
        return s;
    }

    @Test
    void chronyTakesWhatDoctorAcceptsAndNothingElse() throws Exception {
        // a segment smaller than chrony's struct is fatal to chronyd at start: unit 1 gets a chronyd of its own
        List<Integer> units = new ArrayList<>(CASES.keySet());
        units.remove(Integer.valueOf(1));
        Map<Integer, JsonNode> verdicts = chronyRun("chrony", units);
        Map<Integer, JsonNode> wrongSize = chronyRun("chrony-unit1", List.of(1));
        assertTrue(verdicts.get(2).get("accept").asBoolean() && !wrongSize.get(1).get("accept").asBoolean());
    }

    private Map<Integer, JsonNode> chronyRun(String name, List<Integer> units) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
        Path sock = run.resolve("chronyd.sock");
        StringBuilder conf = new StringBuilder();
        for (int u : units) {
            conf.append("refclock SHM ").append(u).append(" refid U").append(u).append(" poll 0 dpoll 0 noselect\n");
        }
        conf.append("driftfile ").append(dir.resolve("drift")).append("\npidfile ").append(dir.resolve("chronyd.pid"))
                .append("\nport 0\ncmdport 0\nbindcmdaddress ").append(sock).append('\n');
        Path confFile = Files.write(dir.resolve("chrony.conf"), conf.toString().getBytes(StandardCharsets.US_ASCII));
        Map<Integer, JsonNode> all = doctor("chrony", "--ntp-conf", "none", "--chrony-conf", confFile.toString());
        Map<Integer, JsonNode> verdicts = new TreeMap<>();
        for (int u : units) {
            verdicts.put(u, all.get(u));
        }
        try (Daemon chronyd = Daemon.start("chronyd", dir.resolve("chronyd.log"), Arrays.asList(
                CHRONY_ROOT + "/usr/sbin/chronyd", "-u", "root", "-x", "-d", "-f", confFile.toString()),
                Collections.emptyMap())) {
            Map<Integer, String> sources = new TreeMap<>();
            long end = System.nanoTime() + 30 * SECOND;
            while (System.nanoTime() < end && chronyd.isAlive()) {
                sources = chronySources(sock);
                if (reachedChrony(sources).equals(accepted(verdicts)) && System.nanoTime() > end - 18 * SECOND) {
                    break;
                }
                Thread.sleep(500);
            }
            String log = chronyd.log();
            List<String> wrong = new ArrayList<>();
            for (int u : units) {
                boolean reached = reachedChrony(sources).contains(u);
                if (reached != verdicts.get(u).get("accept").asBoolean()) {
                    wrong.add(describe(u, verdicts.get(u)) + ", but chronyc sources says "
                            + sources.getOrDefault(u, "(no source)"));
                }
            }
            assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\nchronyd alive: " + chronyd.isAlive()
                    + "\nlog:\n" + log);
            if (units.contains(1)) {
                assertTrue(log.contains("shmget() failed : Invalid argument"), "chronyd's log: " + log);
                assertTrue(verdicts.get(1).get("reasons").toString().contains("chronyd exits at start"),
                        verdicts.get(1).toString());
            }
        }
        return verdicts;
    }

    /** {@code chronyc -c sources} lines by unit (refid U<unit>): mode,state,name,stratum,poll,reach,... */
    private static Map<Integer, String> chronySources(Path sock) {
        Map<Integer, String> out = new TreeMap<>();
        String text = CPeer.run(Arrays.asList(CHRONY_ROOT + "/usr/bin/chronyc", "-h", sock.toString(), "-c", "sources"),
                10).output;
        for (String line : text.split("\n")) {
            String[] f = line.split(",");
            if (f.length > 5 && f[2].matches("U\\d")) {
                out.put(Integer.parseInt(f[2].substring(1)), line);
            }
        }
        return out;
    }

    private static java.util.Set<Integer> reachedChrony(Map<Integer, String> sources) {
        java.util.Set<Integer> s = new java.util.TreeSet<>();
        sources.forEach((u, line) -> {
            if (!line.split(",")[5].equals("0")) {
                s.add(u);
            }
        });
        return s;
    }
}
