/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;

/** The off-by-one-second clock, written and read back: the whole protocol in a few lines of output. */
@Command(name = "demo", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "The off-by-one-second clock: write unit 2 and read it back, for a few seconds.", sortOptions = false,
        description = {"A reference clock exactly 1 s behind this machine's clock: writes unit 2 (key 0x4e545032)"
                + " once a second and reads every sample back through a second, read-only handle (SHM_RDONLY, never"
                + " clears valid), then detaches. The segment stays, as ntpd and gpsd leave theirs,"
                + " so ntpd or chrony can read it meanwhile (ntpd: server 127.127.28.2; chrony: refclock SHM 2).", ""})
final class Demo extends ShmCommand {

    private static final long ONE_SECOND = 1_000_000_000L;

    @Option(names = {"-u", "--unit"}, paramLabel = "N", defaultValue = "2", converter = Converters.Unit.class,
            description = "unit 0..255 (default: ${DEFAULT-VALUE})")
    int unit;

    @Option(names = {"-s", "--seconds"}, paramLabel = "N", defaultValue = "5",
            description = "how many seconds (samples) to run (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--layout", paramLabel = "LAYOUT",
            description = "LP64 (96 bytes), ILP32 (80) or ILP32_TIME64 (88); default: the existing segment's, else this"
                    + " platform's")
    ShmLayout layout;

    @Override
    public Integer call() {
        if (seconds < 1) {
            throw usage("--seconds " + seconds + " must be 1 or more");
        }
        StopSignal stop = new StopSignal();
        int code = Main.FAILURE;
        int written = 0;
        int readBack = 0;
        try {
            ShmOptions.Builder b = options(unit);
            if (layout != null) {
                b.layout(layout);
            }
            try (NtpdShm writer = NtpdShm.open(b.build());
                 NtpdShm reader = NtpdShm.open(options(unit).layout(writer.layout()).readOnly(true).build())) {
                writer.accessWarning().ifPresent(w -> System.err.println("warning: " + w));
                writer.setPrecision(NtpdShm.DEFAULT_PRECISION);
                writer.setLeap(0);
                out.println("ntpdshm demo: a reference clock exactly 1 s behind this machine's clock.");
                out.println("  writer: unit " + unit + ", key " + Fmt.hex(writer.key()) + ", "
                        + writer.layout().label() + ", backend " + writer.backendName()
                        + ", one sample a second for " + seconds + " s");
                out.println("  reader: a second handle on the same segment, read-only (SHM_RDONLY): it peeks like"
                        + " ntpshmmon and never clears valid");
                long start = System.nanoTime();
                for (int i = 0; i < seconds && !stop.stopped(); i++) {
                    Instant receive = Instant.now();
                    Instant clock = receive.minusSeconds(1);
                    writer.update(clock, receive);
                    written++;
                    out.println("wrote unit " + unit + ": clock " + Fmt.iso(clock) + " = receive " + Fmt.iso(receive)
                            + " - 1.000000000 s");
                    ShmRead r = reader.peek();
                    if (r.isOk()) {
                        ShmSample s = r.sample().get();
                        readBack++;
                        out.println("read  unit " + unit + ": OK offset " + Fmt.offset(s.offsetNanos()) + " leap "
                                + s.leap() + " precision " + s.precision() + " count " + s.count()
                                + (s.hasNanoseconds() ? "" : " (microseconds only)"));
                    } else {
                        out.println("read  unit " + unit + ": " + r.status() + " (" + r + ")"
                                + (r.status() == ShmRead.Status.NOT_VALID ? "; another reader (ntpd, chrony) took it first" : ""));
                    }
                    if (i + 1 < seconds && !stop.sleepUntil(start + (i + 1) * ONE_SECOND)) {
                        break;
                    }
                }
            }
            out.println("done: " + written + " samples written, " + readBack + " read back. Both handles detached;"
                    + " the segment stays in place, as ntpd and gpsd leave theirs.");
            out.println("  look at it:  ntpdshm dump --unit " + unit + keyBaseArg());
            out.println("  remove it:   ntpdshm remove --unit " + unit + keyBaseArg());
            out.flush();
            code = 0;
            return 0;
        } finally {
            stop.finish(code);
        }
    }
}
