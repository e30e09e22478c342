/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** gpsd's ntpshmmon, read-only: one line per new sample of every unit that exists. */
@Command(name = "monitor", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "Watch units read-only, one line per new sample (like gpsd's ntpshmmon).", sortOptions = false,
        description = {"Watches units like gpsd's ntpshmmon: one line per new sample (seen time, receive time"
                + " \"clock\", clock time \"real\", offset, leap, precision). Attaches read-only (SHM_RDONLY) and only"
                + " peeks, so it never clears valid and never steals a sample from ntpd or chrony.",
                "Units that do not exist are checked again every second. Ctrl-C or SIGTERM ends it with a summary.",
                "With --sock PATH, watches chrony's SOCK refclock instead: binds PATH as chronyd would and prints each"
                        + " datagram a writer (gpsd, ntpdshm feed --sock) sends. It refuses when something already"
                        + " listens there (chronyd), and removes its socket file when it ends.", ""})
final class Monitor extends ShmCommand {

    private static final long SECOND = 1_000_000_000L;

    @Option(names = {"-U", "--units"}, paramLabel = "LIST", defaultValue = "0-7", converter = Converters.Units.class,
            description = "units to watch: 0-7, 2, 0,2,4-6 or all (default: ${DEFAULT-VALUE})")
    Converters.UnitSet unitSet;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "stop after N samples")
    Long count;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", converter = Converters.Duration.class,
            description = "stop after this long: 10 (seconds), 500ms, 2m")
    Long timeoutNanos;

    @Option(names = "--sock", paramLabel = "PATH",
            description = "bind chrony's SOCK refclock socket at PATH and show what writers send to it")
    java.nio.file.Path sock;

    @Option(names = "--json", description = "one JSON object per line (samples, then a summary)")
    boolean json;

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "1ms",
            converter = Converters.Duration.class, description = "how often to look (default: ${DEFAULT-VALUE}, as ntpshmmon)")
    long intervalNanos;

    @Option(names = "--layout", paramLabel = "LAYOUT",
            description = "LP64 (96 bytes), ILP32 (80) or ILP32_TIME64 (88); default: inferred from each segment's size")
    ShmLayout layout;

    /** One attached unit and the last sample shown from it. */
    private static final class Watched {
        final NtpdShm handle;
        final int shmid;
        ShmSample last;

        Watched(NtpdShm handle, int shmid) {
            this.handle = handle;
            this.shmid = shmid;
        }
    }

    private final Map<Integer, Watched> watched = new TreeMap<>();
    private final Set<Integer> refused = new HashSet<>();
    private final Set<Integer> seenUnits = new TreeSet<>();
    private long samples;
    private long clashes;
    private boolean stdoutGone;

    private int[] units;

    @Override
    public Integer call() {
        units = unitSet.units;
        if (count != null && count < 1) {
            throw usage("--count " + count + " must be 1 or more");
        }
        if (sock != null) {
            return new SockMonitor(this).call();
        }
        // fail at once when no backend works here, not only once a unit appears
        ShmBackends.select(backend);
        StopSignal stop = new StopSignal();
        int code = Main.FAILURE;
        long start = System.nanoTime();
        try {
            if (!json) {
                out.println("# ntpdshm monitor: units " + Converters.units(units) + " under key base " + Fmt.hex(keyBase)
                        + ", read-only (never clears valid); Ctrl-C stops");
                out.printf("# %-6s %-4s %-30s %-30s %-30s %13s %2s %4s %s%n", "", "unit", "seen",
                        "receive (\"clock\")", "clock (\"real\")", "offset (s)", "L", "prc", "count");
            }
            long nextCheck = start;
            long tick = start;
            boolean done = false;
            while (!done && !stop.stopped()) {
                long now = System.nanoTime();
                if (now - nextCheck >= 0) {
                    recheck();
                    nextCheck = now + SECOND;
                }
                for (Map.Entry<Integer, Watched> e : watched.entrySet()) {
                    if (poll(e.getKey(), e.getValue()) && (stdoutGone || count != null && samples >= count)) {
                        done = true;
                        break;
                    }
                }
                if (timeoutNanos != null && System.nanoTime() - start >= timeoutNanos) {
                    break;
                }
                tick += intervalNanos;
                long wake = tick;
                if (timeoutNanos != null && wake - (start + timeoutNanos) > 0) {
                    wake = start + timeoutNanos;
                }
                if (!done && !stop.sleepUntil(wake)) {
                    break;
                }
                if (System.nanoTime() - tick > SECOND) {
                    tick = System.nanoTime();  // suspended or overloaded: do not try to catch up
                }
            }
            summary(System.nanoTime() - start);
            code = 0;
            return 0;
        } finally {
            // detach before the JVM may end (stop.finish lets a pending SIGTERM halt it)
            for (Watched w : watched.values()) {
                w.handle.close();
            }
            stop.finish(code);
        }
    }

    /** Attaches units that appeared, drops those removed or replaced. */
    private void recheck() {
        Map<Integer, ShmSegment> byKey = new HashMap<>();
        for (ShmSegment s : ShmSegment.list()) {
            byKey.put(s.key(), s);
        }
        for (int unit : units) {
            ShmSegment seg = byKey.get(keyBase + unit);
            Watched w = watched.get(unit);
            if (w != null && (seg == null || seg.shmid() != w.shmid)) {
                w.handle.close();
                watched.remove(unit);
                note("unit " + unit + ": segment removed" + (seg == null ? "" : " and created again"));
            }
            if (seg == null || watched.containsKey(unit) || refused.contains(seg.shmid())) {
                continue;
            }
            ShmOptions.Builder b = options(unit).readOnly(true);
            if (layout != null) {
                b.layout(layout);
            }
            try {
                NtpdShm h = NtpdShm.open(b.build());
                watched.put(unit, new Watched(h, seg.shmid()));
            } catch (NtpdShmException e) {
                if (e.operation().equals("backend")) {
                    throw e;  // nothing will work: say so at once
                }
                refused.add(seg.shmid());
                warn("unit " + unit + " skipped: " + e.getMessage());
            }
        }
    }

    /** Peeks one unit; true if it showed a new sample. */
    private boolean poll(int unit, Watched w) {
        ShmRead r = w.handle.peek();
        if (r.status() == ShmRead.Status.CLASH) {
            clashes++;
            return false;
        }
        if (!r.isOk()) {
            return false;
        }
        ShmSample s = r.sample().get();
        if (w.last != null && sameSample(w.last, s)) {
            return false;
        }
        w.last = s;
        samples++;
        seenUnits.add(unit);
        print(unit, s, Instant.now());
        if (out.checkError()) {
            stdoutGone = true;  // e.g. `| head`: the JVM ignores SIGPIPE, so stop here
        }
        return true;
    }

    /** New sample = count or time stamps changed (a mode-0 writer never changes count). */
    private static boolean sameSample(ShmSample a, ShmSample b) {
        return a.count() == b.count()
                && a.clockTimeStampSec() == b.clockTimeStampSec() && a.clockNanos() == b.clockNanos()
                && a.receiveTimeStampSec() == b.receiveTimeStampSec() && a.receiveNanos() == b.receiveNanos();
    }

    private void print(int unit, ShmSample s, Instant seen) {
        String recv = Fmt.iso(s.receiveTimeStampSec(), s.receiveNanos());
        String clock = Fmt.iso(s.clockTimeStampSec(), s.clockNanos());
        if (json) {
            out.println("{\"format\":" + Fmt.JSON_FORMAT + ",\"type\":\"sample\",\"unit\":" + unit + ",\"key\":" + Fmt.json(Fmt.hex(keyBase + unit))
                    + ",\"seen\":" + Fmt.json(Fmt.iso(seen)) + ",\"receive\":" + Fmt.json(recv)
                    + ",\"clock\":" + Fmt.json(clock) + ",\"offset_ns\":" + s.offsetNanos()
                    + ",\"offset_s\":" + Fmt.seconds(s.offsetNanos()) + ",\"leap\":" + s.leap()
                    + ",\"precision\":" + s.precision() + ",\"mode\":" + s.mode() + ",\"count\":" + s.count()
                    + ",\"nanoseconds\":" + s.hasNanoseconds() + "}");
        } else {
            out.printf("sample   %4d %-30s %-30s %-30s %13s %2d %4d %d%n", unit, Fmt.iso(seen), recv, clock,
                    Fmt.seconds(s.offsetNanos()), s.leap(), s.precision(), s.count());
        }
    }

    private void summary(long elapsedNanos) {
        StringBuilder u = new StringBuilder();
        for (int unit : seenUnits) {
            u.append(u.length() == 0 ? "" : ",").append(unit);
        }
        if (json) {
            out.println("{\"format\":" + Fmt.JSON_FORMAT + ",\"type\":\"summary\",\"samples\":" + samples + ",\"clashes\":" + clashes + ",\"units\":["
                    + u + "],\"seconds\":" + Fmt.seconds(elapsedNanos) + "}");
        } else {
            out.println("# " + samples + " sample" + (samples == 1 ? "" : "s") + " from "
                    + (seenUnits.isEmpty() ? "no unit" : "unit" + (seenUnits.size() == 1 ? " " : "s ") + u) + " in "
                    + Fmt.age(elapsedNanos) + ", " + clashes + " clash" + (clashes == 1 ? "" : "es")
                    + " (a writer mid-sample while we read; read again, nothing lost)");
        }
        out.flush();
    }

    private void note(String text) {
        if (!json) {
            out.println("# " + text);
        }
    }

    /** A unit that cannot be watched: a comment line in text mode, stderr beside JSON output. */
    private void warn(String text) {
        if (json) {
            System.err.println("ntpdshm monitor: " + text);
        } else {
            out.println("# " + text);
        }
    }
}
