/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.internal.Texts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;

/** A reference clock OFFSET seconds off the system clock: the "off by one second" clock, generalised. */
@Command(name = "feed", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "Write a reference clock OFFSET seconds off this machine's clock, every INTERVAL.", sortOptions = false,
        description = {"Writes a reference clock that is OFFSET seconds off this machine's clock into a unit:"
                + " every INTERVAL one sample with receive = now and clock = now + OFFSET, the way gpsd writes"
                + " (mode 1, count, valid, micro- and nanoseconds).",
                "With --sock PATH instead of --unit, sends the same samples to chrony's SOCK refclock (chrony.conf:"
                        + " refclock SOCK PATH), one datagram each; a missing socket is reported once and the next"
                        + " sample is sent again, so chronyd may start later or restart.",
                "Creates the segment if it is missing (ntpd's permissions: 0600 for units 0 and 1, 0666 from 2 on)."
                        + " Ctrl-C or SIGTERM stops after the current sample; the segment stays, as with ntpd.", "",
                "Example, a clock 1 s behind on unit 2 (ntpd: server 127.127.28.2; chrony: refclock SHM 2):",
                "  ntpdshm feed --unit 2 --offset -1.0",
                "The same clock for chrony's SOCK refclock (refclock SOCK /run/chrony.clk.sock):",
                "  ntpdshm feed --sock /run/chrony.clk.sock --offset -1.0", ""})
final class Feed extends ShmCommand {

    @Option(names = {"-u", "--unit"}, paramLabel = "N", converter = Converters.Unit.class,
            description = "unit 0..255 (key = key base + N)")
    Integer unit;

    @Option(names = "--sock", paramLabel = "PATH",
            description = "send to chrony's SOCK refclock socket at PATH instead of writing a unit")
    java.nio.file.Path sock;

    @Option(names = {"-o", "--offset"}, paramLabel = "SECONDS", defaultValue = "0",
            converter = Converters.SignedDuration.class,
            description = "how far the reference clock is ahead of this machine's clock: -1.0 is 1 s behind;"
                    + " also 250ms, -10us (default: ${DEFAULT-VALUE})")
    long offsetNanos;

    @Option(names = {"-p", "--precision"}, paramLabel = "LOG2", defaultValue = "-20",
            description = "precision in log2 seconds, -32..0 (default: ${DEFAULT-VALUE}, about 1 us)")
    int precision;

    @Option(names = {"-l", "--leap"}, paramLabel = "0-3", defaultValue = "0",
            description = "leap indicator: 0 none, 1 insert a second, 2 delete one, 3 not in sync (default: ${DEFAULT-VALUE})")
    int leap;

    @Option(names = "--pulse", description = "with --sock: mark samples as PPS pulses (chrony takes their seconds"
            + " from another source)")
    boolean pulse;

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "1s",
            converter = Converters.Duration.class,
            description = "time between samples: 1s, 500ms, 10ms, 0.5 (seconds) (default: ${DEFAULT-VALUE})")
    long intervalNanos;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "stop after N samples (default: until stopped)")
    Long count;

    @Option(names = {"-q", "--quiet"}, description = "print no line per sample, only the summary at the end")
    boolean quiet;

    @Option(names = "--layout", paramLabel = "LAYOUT",
            description = "LP64 (96 bytes), ILP32 (80) or ILP32_TIME64 (88); default: the existing segment's, else this"
                    + " platform's. A segment of another size is refused.")
    ShmLayout layout;

    @Option(names = "--permissions", paramLabel = "OCTAL", converter = Converters.Octal.class,
            description = "permissions of a segment this creates (default: 0600 for units 0 and 1, 0666 from 2 on)")
    Integer permissions;

    /** Runs one of the API's argument checks; what it refuses is a usage error naming the option. */
    void check(String option, Runnable apiCheck) {
        try {
            apiCheck.run();
        } catch (IllegalArgumentException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        // the API's own checks, before anything is created: a usage error leaves no segment behind
        check("--precision", () -> NtpdShm.checkPrecision(precision));
        if (sock == null) {
            check("--leap", () -> NtpdShm.checkLeap(leap));
        }
        if (count != null && count < 1) {
            throw usage("--count " + count + " must be 1 or more");
        }
        if ((unit == null) == (sock == null)) {
            throw usage("give either --unit N (an SHM unit) or --sock PATH (chrony's SOCK refclock)");
        }
        if (sock != null) {
            return new SockFeed(this).call();
        }
        if (pulse) {
            throw usage("--pulse goes with --sock: an SHM unit has no pulse flag");
        }
        ShmOptions.Builder b = options(unit);
        if (layout != null) {
            b.layout(layout);
        }
        if (permissions != null) {
            b.permissions(permissions);
        }
        ShmOptions options = b.build();
        checkOffsetFits(options);
        StopSignal stop = new StopSignal();
        int code = Main.FAILURE;
        long fed = 0;
        try {
            try (NtpdShm shm = NtpdShm.open(options)) {
                shm.accessWarning().ifPresent(w -> System.err.println("warning: " + w));
                shm.setPrecision(precision);
                shm.setLeap(leap);
                if (!quiet) {
                    out.println("# feeding unit " + unit + " (key " + Fmt.hex(shm.key()) + ", " + shm.layout().label()
                            + ", backend " + shm.backendName() + "): clock = receive " + sign(offsetNanos)
                            + " every " + Converters.plainSeconds(intervalNanos) + " s; Ctrl-C stops");
                }
                long start = System.nanoTime();
                SegmentGuard guard = new SegmentGuard(shm);
                SdNotify notify = SdNotify.fromEnvironment();
                notify.ready("feeding unit " + unit);
                while (!stop.stopped()) {
                    guard.check();
                    notify.watchdog();
                    Instant receive = Instant.now();
                    Instant clock = receive.plusNanos(offsetNanos);
                    shm.update(clock, receive);
                    fed++;
                    if (!quiet) {
                        out.println("unit " + unit + "  receive " + Fmt.iso(receive) + "  clock " + Fmt.iso(clock)
                                + "  offset " + Fmt.offset(offsetNanos) + "  leap " + leap + "  precision " + precision
                                + "  count " + shm.getCount());
                        if (out.checkError()) {
                            break;  // stdout is gone (e.g. `| head`): the JVM ignores SIGPIPE, so stop here
                        }
                    }
                    if (count != null && fed >= count) {
                        break;
                    }
                    if (!stop.sleepUntil(start + fed * intervalNanos)) {
                        break;
                    }
                }
                long others = shm.otherWriterUpdates();
                if (others > 0) {
                    System.err.println("warning: " + others + " of " + fed + " samples found count moved by another"
                            + " writer on unit " + unit + "; two writers on one unit mix their samples (readers can"
                            + " accept torn ones): give each unit one writer");
                }
            }
            out.println("fed " + fed + (fed == 1 ? " sample" : " samples") + " to unit " + unit + " (key " + Fmt.hex(options.key())
                    + "); detached, the segment stays");
            out.flush();
            code = 0;
            return 0;
        } finally {
            stop.finish(code);
        }
    }

    /**
     * A usage error, before anything is created, when now + the offset does not fit the layout the segment will
     * have: the asked one, the existing segment's, else this platform's.
     */
    private void checkOffsetFits(ShmOptions options) {
        ShmLayout l = options.layout().orElseGet(() -> ShmSegment.ofKey(options.key()).flatMap(ShmSegment::layout)
                .orElse(ShmLayout.platform()));
        Instant now = Instant.now();
        long clockSec = now.getEpochSecond() + Math.floorDiv(now.getNano() + offsetNanos % 1_000_000_000L,
                1_000_000_000L) + offsetNanos / 1_000_000_000L;
        if (clockSec < 0 || clockSec > l.maxSeconds()) {
            throw usage("--offset " + Fmt.seconds(offsetNanos) + " puts the clock time at " + clockSec + " s, "
                    + (clockSec < 0 ? "before 1970" : "beyond layout " + l.label() + "'s time_t (ends at "
                    + l.maxSeconds() + " s)") + "; give an offset that keeps now + offset in range");
        }
    }

    /** {@code - 1.000000000 s} / {@code + 0.5 s} for the header. */
    static String sign(long nanos) {
        return (nanos < 0 ? "- " : "+ ") + Texts.magnitude(nanos) + " s";
    }
}
