/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.interop;

import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.CPeer;
import io.github.ntpdshm.internal.Texts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The real NTP units 0..7 (keys {@code 0x4E545030 + unit}) and gpsd's export segment ({@code 0x47505344}): the
 * only keys the daemons can be pointed at. The suite owns them only after {@link #checkFree} found no other user.
 */
final class RealUnits {

    static final int BASE = ShmOptions.DEFAULT_KEY_BASE;
    static final int UNITS = 8;
    static final int GPSD_KEY = 0x47505344;
    static final List<String> DAEMONS = Arrays.asList("ntpd", "chronyd", "gpsd", "ntpshmmon");

    private RealUnits() {
    }

    static boolean isOurs(int key) {
        return (key >= BASE && key < BASE + UNITS) || key == GPSD_KEY;
    }

    /**
     * Fails with what to do if a process this suite did not start runs as ntpd, chronyd, gpsd or ntpshmmon ({@code pgrep -x}), or
     * holds one of the real keys. Segments left behind with no process attached are removed (a previous run or a
     * stopped gpsd leaves them; ours could not be created at another size otherwise).
     */
    static void checkFree(boolean removeStale) {
        List<String> problems = new ArrayList<>();
        List<Long> ours = Daemon.runningPids();
        for (Map.Entry<Long, String> p : processesNamed(DAEMONS).entrySet()) {
            if (!ours.contains(p.getKey())) {
                problems.add(p.getValue() + " runs as pid " + p.getKey() + " (not started by this suite)");
            }
        }
        for (ShmSegment s : ShmSegment.list()) {
            if (!isOurs(s.key())) {
                continue;
            }
            if (s.attachCount() > 0) {
                problems.add("segment " + Texts.hex(s.key()) + " is attached by " + s.attachCount()
                        + " process(es) (creator pid " + s.creatorPid() + ", last pid " + s.lastPid() + ")");
            } else if (removeStale) {
                System.out.println("interop: removing stale segment " + Texts.hex(s.key()) + " ("
                        + s.size() + " bytes, nobody attached)");
                remove(s);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The interop suite needs the real NTP SHM units 0..7 (keys 0x4e545030.."
                    + "0x4e545037) and gpsd's 0x47505344 to itself, but: " + String.join("; ", problems)
                    + ". Stop those daemons (e.g. systemctl stop ntpsec chrony gpsd.socket gpsd) or run the suite on"
                    + " a machine or container without them.");
        }
    }

    /**
     * PIDs of the processes whose name ({@code /proc/PID/comm}) is one of {@code names}: what {@code pgrep -x NAME}
     * finds, without needing procps.
     */
    static Map<Long, String> processesNamed(List<String> names) {
        Map<Long, String> found = new TreeMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                try {
                    String comm = new String(Files.readAllBytes(p.resolve("comm")), StandardCharsets.UTF_8).trim();
                    if (names.contains(comm)) {
                        found.put(Long.parseLong(p.getFileName().toString()), comm);
                    }
                } catch (IOException e) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc", e);
        }
        return found;
    }

    /** Removes every real-key segment (the daemons that held them are stopped by then). */
    static void removeAll() {
        for (ShmSegment s : ShmSegment.list()) {
            if (isOurs(s.key())) {
                remove(s);
            }
        }
    }

    static void remove(int key) {
        ShmSegment.ofKey(key).ifPresent(RealUnits::remove);
    }

    private static void remove(ShmSegment s) {
        CPeer.run(Arrays.asList("ipcrm", "-m", Integer.toString(s.shmid())), 10);
    }
}
