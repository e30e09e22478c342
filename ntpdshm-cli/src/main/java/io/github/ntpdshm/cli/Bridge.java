/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.ChronySock;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.SockReceiver;
import io.github.ntpdshm.api.SockSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;

/** Forwards samples between the two transports: an SHM unit to chrony's SOCK refclock, or a SOCK path to a unit. */
@Command(name = "bridge", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "Forward samples between an SHM unit and chrony's SOCK refclock.",
        sortOptions = false,
        description = {"--from-unit N --to-sock PATH: watches unit N read-only, as `monitor` does (it never clears"
                + " valid, so ntpd may read the unit too), and sends each new sample to PATH: an old SHM writer"
                + " reaches chrony's preferred interface (chrony.conf: refclock SOCK PATH).",
                "--from-sock PATH --to-unit N: binds PATH as chronyd would and writes each datagram into unit N the"
                        + " way gpsd writes (mode 1): gpsd's SOCK output reaches ntpd (server 127.127.28.N).",
                "Sample by sample, with its leap indicator; nothing is invented. A sample one side cannot carry is"
                        + " counted, not forwarded: leap 3 (not in sync) has no SOCK value, and a pulse-only datagram"
                        + " has no seconds for SHM. Ctrl-C or SIGTERM ends it with a summary.", "",
                "Examples:",
                "  ntpdshm bridge --from-unit 2 --to-sock /run/chrony.shm2.sock",
                "  ntpdshm bridge --from-sock /run/chrony.ttyS0.sock --to-unit 2", ""})
final class Bridge extends ShmCommand {

    private static final int WAIT_MILLIS = 100;

    @Option(names = "--from-unit", paramLabel = "N", converter = Converters.Unit.class,
            description = "read this SHM unit (read-only) ...")
    Integer fromUnit;

    @Option(names = "--to-sock", paramLabel = "PATH", description = "... and send its samples to this SOCK socket")
    Path toSock;

    @Option(names = "--from-sock", paramLabel = "PATH", description = "bind this SOCK socket ...")
    Path fromSock;

    @Option(names = "--to-unit", paramLabel = "N", converter = Converters.Unit.class,
            description = "... and write its samples into this SHM unit (created if absent)")
    Integer toUnit;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "stop after forwarding N samples")
    Long count;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", converter = Converters.Duration.class,
            description = "stop after this long: 10 (seconds), 500ms, 2m")
    Long timeoutNanos;

    @Option(names = {"-q", "--quiet"}, description = "print no line per sample, only the summary at the end")
    boolean quiet;

    @Option(names = "--layout", paramLabel = "LAYOUT",
            description = "the SHM unit's layout (LP64, ILP32, ILP32_TIME64) and, by its time_t, the SOCK datagram's"
                    + " size (40 or 32 bytes); default: the segment's, else this platform's")
    ShmLayout layout;

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "1ms",
            converter = Converters.Duration.class,
            description = "with --from-unit: how often to look at the unit (default: ${DEFAULT-VALUE}, as ntpshmmon)")
    long intervalNanos;

    private long forwarded;
    private long skipped;
    private long start;

    @Override
    public Integer call() {
        boolean shmToSock = fromUnit != null && toSock != null && fromSock == null && toUnit == null;
        boolean sockToShm = fromSock != null && toUnit != null && fromUnit == null && toSock == null;
        if (!shmToSock && !sockToShm) {
            throw usage("give --from-unit N --to-sock PATH, or --from-sock PATH --to-unit N");
        }
        if (count != null && count < 1) {
            throw usage("--count " + count + " must be 1 or more");
        }
        StopSignal stop = new StopSignal();
        int code = Main.FAILURE;
        start = System.nanoTime();
        try {
            if (shmToSock) {
                shmToSock(stop);
            } else {
                sockToShm(stop);
            }
            out.println("# forwarded " + forwarded + " sample" + (forwarded == 1 ? "" : "s") + ", skipped " + skipped
                    + " (leap 3, pulse-only or invalid) in " + Fmt.age(System.nanoTime() - start));
            out.flush();
            code = 0;
            return 0;
        } finally {
            stop.finish(code);
        }
    }

    private boolean done(StopSignal stop) {
        return stop.stopped() || out.checkError() || count != null && forwarded >= count
                || timeoutNanos != null && System.nanoTime() - start >= timeoutNanos;
    }

    private void shmToSock(StopSignal stop) {
        ShmOptions.Builder b = options(fromUnit).readOnly(true);
        if (layout != null) {
            b.layout(layout);
        }
        try (NtpdShm shm = NtpdShm.open(b.build());
             ChronySock sock = ChronySock.open(SockFeed.options(this, toSock, shm.layout()).build())) {
            note("# bridging unit " + fromUnit + " (key " + Fmt.hex(shm.key()) + ", " + shm.layout().label()
                    + ") -> " + sock.path() + " (chrony SOCK, " + sock.layout().label() + ", backend "
                    + sock.backendName() + "); Ctrl-C stops");
            ShmSample.Mutable s = new ShmSample.Mutable();
            ShmSample last = null;
            long tick = System.nanoTime();
            while (!done(stop)) {
                if (shm.peek(s) == ShmRead.Status.OK && (last == null || isNew(last, s))) {
                    last = s.toSample();
                    forward(sock, last);
                }
                tick += intervalNanos;
                if (System.nanoTime() - tick > 1_000_000_000L) {
                    tick = System.nanoTime();  // suspended or overloaded: do not try to catch up
                }
                if (!stop.sleepUntil(tick)) {
                    break;
                }
            }
        }
    }

    private static boolean isNew(ShmSample last, ShmSample.Mutable s) {
        return last.count() != s.count() || last.clockTimeStampSec() != s.clockTimeStampSec()
                || last.clockNanos() != s.clockNanos() || last.receiveTimeStampSec() != s.receiveTimeStampSec()
                || last.receiveNanos() != s.receiveNanos();
    }

    private void forward(ChronySock sock, ShmSample s) {
        if (s.leap() == 3) {
            skipped++;
            note("# skipped a sample with leap 3 (not in sync): chrony's SOCK refclock has no such value");
            return;
        }
        sock.setLeap(s.leap());
        ChronySock.Delivery d = sock.update(s.clockTimeStampSec(), (int) s.clockNanos(), s.receiveTimeStampSec(),
                (int) s.receiveNanos());
        forwarded++;
        note("unit " + fromUnit + " -> sock  receive " + Fmt.iso(s.receiveTimeStampSec(), s.receiveNanos())
                + "  clock " + Fmt.iso(s.clockTimeStampSec(), s.clockNanos()) + "  offset "
                + Fmt.offset(s.offsetNanos()) + "  leap " + s.leap() + "  "
                + d.name().toLowerCase(java.util.Locale.ROOT));
    }

    private void sockToShm(StopSignal stop) {
        ShmOptions.Builder b = options(toUnit);
        if (layout != null) {
            b.layout(layout);
        }
        try (NtpdShm shm = NtpdShm.open(b.build());
             SockReceiver r = SockReceiver.bind(SockFeed.options(this, fromSock, shm.layout()).build())) {
            note("# bridging " + r.path() + " (chrony SOCK, " + r.layout().label() + ", backend " + r.backendName()
                    + ") -> unit " + toUnit + " (key " + Fmt.hex(shm.key()) + ", " + shm.layout().label()
                    + "); Ctrl-C stops");
            while (!done(stop)) {
                SockSample s = r.receive(WAIT_MILLIS);
                if (s == null) {
                    continue;
                }
                if (!s.isValid() || s.pulse() != 0) {
                    skipped++;
                    note("# skipped " + (s.isValid() ? "a pulse-only sample: SHM has no pulse flag"
                            : "an invalid datagram (" + s.length() + " bytes)"));
                    continue;
                }
                Instant receive = s.receiveTime();
                Instant clock = s.clockTime();
                shm.setLeap(s.leap());
                shm.update(clock, receive);
                forwarded++;
                note("sock -> unit " + toUnit + "  receive " + Fmt.iso(receive) + "  clock " + Fmt.iso(clock)
                        + "  offset " + Fmt.offset(s.offsetNanos()) + "  leap " + s.leap() + "  count "
                        + shm.getCount());
            }
        }
    }

    private void note(String line) {
        if (!quiet) {
            out.println(line);
        }
    }
}
