/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.LayoutChoice;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every field of one unit and the kernel's facts about its segment; read-only. */
@Command(name = "dump", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "Show every field of a unit and its segment's facts.", sortOptions = false,
        description = {"Shows every field of a unit with its raw value, both time stamps as ISO-8601 with nanoseconds,"
                + " the sample's age (now - receive time) and the segment's facts (key, shmid, size, layout, owner,"
                + " permissions, attaches, PIDs, times). Attaches read-only (SHM_RDONLY): never creates the segment"
                + " and never clears valid.", ""})
final class Dump extends ShmCommand {

    @Option(names = {"-u", "--unit"}, required = true, paramLabel = "N", converter = Converters.Unit.class,
            description = "unit 0..255 (key = key base + N)")
    int unit;

    @Option(names = "--json", description = "one JSON object instead of text")
    boolean json;

    @Option(names = "--layout", paramLabel = "LAYOUT",
            description = "LP64 (96 bytes), ILP32 (80) or ILP32_TIME64 (88); default: inferred from the segment's size")
    ShmLayout layout;

    @Override
    public Integer call() {
        ShmOptions.Builder b = options(unit).readOnly(true);
        if (layout != null) {
            b.layout(layout);
        }
        ShmOptions options = b.build();
        // the facts before our own attach, so that "last PID" names the writer, not us
        Optional<ShmSegment> before = ShmSegment.ofKey(options.key());
        try (NtpdShm h = NtpdShm.open(options)) {
            ShmSegment seg = before.orElseGet(h::segment);
            Raw raw = Raw.read(h);
            ShmRead peek = h.peek();
            Instant now = Instant.now();
            if (json) {
                printJson(h, seg, raw, peek, now);
            } else {
                printText(h, seg, raw, peek, now);
            }
        }
        return 0;
    }

    private List<String[]> fields(Raw raw) {
        ShmSample s = raw.sample;
        List<String[]> f = new ArrayList<>();
        f.add(new String[] {"mode", Integer.toString(s.mode())});
        f.add(new String[] {"count", Integer.toString(s.count())});
        f.add(new String[] {"clockTimeStampSec", Long.toString(s.clockTimeStampSec())});
        f.add(new String[] {"clockTimeStampUSec", Integer.toString(s.clockTimeStampUSec())});
        f.add(new String[] {"clockTimeStampNSec", Long.toString(s.clockTimeStampNSec())});
        f.add(new String[] {"receiveTimeStampSec", Long.toString(s.receiveTimeStampSec())});
        f.add(new String[] {"receiveTimeStampUSec", Integer.toString(s.receiveTimeStampUSec())});
        f.add(new String[] {"receiveTimeStampNSec", Long.toString(s.receiveTimeStampNSec())});
        f.add(new String[] {"leap", Integer.toString(s.leap())});
        f.add(new String[] {"precision", Integer.toString(s.precision())});
        f.add(new String[] {"nsamples", Integer.toString(s.nsamples())});
        f.add(new String[] {"valid", raw.valid ? "1" : "0"});
        return f;
    }

    private void printText(NtpdShm h, ShmSegment seg, Raw raw, ShmRead peek, Instant now) {
        ShmSample s = raw.sample;
        out.println("unit " + unit + "  key " + Fmt.hex(h.key()) + "  " + h.layout().label() + "  backend "
                + h.backendName() + "  (read-only)");
        out.println("fields" + (raw.torn ? "  (a writer was mid-sample during every try: values may mix two samples)" : ""));
        for (String[] f : fields(raw)) {
            out.printf("  %-22s %s%n", f[0], f[1]);
        }
        out.println("sample");
        out.printf("  %-22s %s%n", "clockTimeStamp", Fmt.iso(s.clockTimeStampSec(), s.clockNanos()) + "  (the reference clock, \"real\")");
        out.printf("  %-22s %s%n", "receiveTimeStamp", Fmt.iso(s.receiveTimeStampSec(), s.receiveNanos()) + "  (this machine's clock, \"clock\")");
        out.printf("  %-22s %s%n", "offset", Fmt.offset(s.offsetNanos()) + "  (clock - receive)");
        out.printf("  %-22s %s%n", "nanoseconds", s.hasNanoseconds() ? "yes (NSec agrees with USec; readers use it)"
                : "no (NSec disagrees with USec; readers use microseconds)");
        out.printf("  %-22s %s%n", "age", raw.everWritten() ? Fmt.age(raw.ageNanos(now)) + "  (now - receive time)" : "never written");
        out.printf("  %-22s %s%n", "peek", peek.isOk() ? "OK (a consistent sample: ntpd's read would take it)" : peek.toString());
        out.println("segment");
        out.printf("  %-22s %s%n", "key", Fmt.hex(seg.key()));
        out.printf("  %-22s %s%n", "shmid", seg.shmid());
        out.printf("  %-22s %s%n", "size", seg.size() + " bytes"
                + seg.layout().map(l -> " (layout " + l.label() + ")").orElse(" (no known layout)"));
        out.printf("  %-22s %s%n", "layout from", "the segment's size; a new segment here would get "
                + LayoutChoice.forNewSegments().evidence());
        out.printf("  %-22s %s%n", "owner", "uid " + seg.uid() + name(seg.uid()) + ", gid " + seg.gid());
        out.printf("  %-22s %s%n", "creator", "uid " + seg.creatorUid() + name(seg.creatorUid()) + ", gid " + seg.creatorGid());
        out.printf("  %-22s %s%n", "permissions", Fmt.octal(seg.permissions()));
        out.printf("  %-22s %s%n", "attaches", seg.attachCount() + "  (before this dump attached)");
        out.printf("  %-22s %s%n", "creator pid", seg.creatorPid());
        out.printf("  %-22s %s%n", "last pid", seg.lastPid() + "  (last attach or detach)");
        out.printf("  %-22s %s%n", "last attach", seg.lastAttach().map(Fmt::iso).orElse("never"));
        out.printf("  %-22s %s%n", "last detach", seg.lastDetach().map(Fmt::iso).orElse("never"));
        out.printf("  %-22s %s%n", "last change", Fmt.iso(seg.lastChange()));
        out.printf("  %-22s %s%n", "marked for removal", seg.isMarkedForRemoval() ? "yes" : "no");
    }

    private void printJson(NtpdShm h, ShmSegment seg, Raw raw, ShmRead peek, Instant now) {
        ShmSample s = raw.sample;
        StringBuilder j = new StringBuilder("{");
        j.append("\"format\":").append(Fmt.JSON_FORMAT).append(",\"unit\":").append(unit)
                .append(",\"key\":").append(Fmt.json(Fmt.hex(h.key())))
                .append(",\"layout\":").append(Fmt.json(h.layout().name()))
                .append(",\"backend\":").append(Fmt.json(h.backendName()))
                .append(",\"fields\":{");
        List<String[]> fields = fields(raw);
        for (int i = 0; i < fields.size(); i++) {
            j.append(i == 0 ? "" : ",").append(Fmt.json(fields.get(i)[0])).append(':').append(fields.get(i)[1]);
        }
        j.append("},\"torn\":").append(raw.torn)
                .append(",\"clockTimeStamp\":").append(Fmt.json(Fmt.iso(s.clockTimeStampSec(), s.clockNanos())))
                .append(",\"receiveTimeStamp\":").append(Fmt.json(Fmt.iso(s.receiveTimeStampSec(), s.receiveNanos())))
                .append(",\"offset_ns\":").append(s.offsetNanos())
                .append(",\"offset_s\":").append(Fmt.seconds(s.offsetNanos()))
                .append(",\"nanoseconds\":").append(s.hasNanoseconds());
        if (raw.everWritten()) {
            long age = raw.ageNanos(now);
            j.append(",\"age_ns\":").append(age).append(",\"age_s\":").append(Fmt.seconds(age));
        } else {
            j.append(",\"age_ns\":null,\"age_s\":null");
        }
        j.append(",\"peek\":").append(Fmt.json(peek.status().name()))
                .append(",\"segment\":{")
                .append("\"key\":").append(Fmt.json(Fmt.hex(seg.key())))
                .append(",\"shmid\":").append(seg.shmid())
                .append(",\"size\":").append(seg.size())
                .append(",\"layout\":").append(Fmt.json(seg.layout().map(Enum::name).orElse(null)))
                .append(",\"uid\":").append(seg.uid())
                .append(",\"user\":").append(Fmt.json(Fmt.userName(seg.uid())))
                .append(",\"gid\":").append(seg.gid())
                .append(",\"cuid\":").append(seg.creatorUid())
                .append(",\"cgid\":").append(seg.creatorGid())
                .append(",\"permissions\":").append(Fmt.json(Fmt.octal(seg.permissions())))
                .append(",\"attaches\":").append(seg.attachCount())
                .append(",\"cpid\":").append(seg.creatorPid())
                .append(",\"lpid\":").append(seg.lastPid())
                .append(",\"atime\":").append(Fmt.json(seg.lastAttach().map(Fmt::iso).orElse(null)))
                .append(",\"dtime\":").append(Fmt.json(seg.lastDetach().map(Fmt::iso).orElse(null)))
                .append(",\"ctime\":").append(Fmt.json(Fmt.iso(seg.lastChange())))
                .append(",\"markedForRemoval\":").append(seg.isMarkedForRemoval())
                .append("}}");
        out.println(j);
    }

    private static String name(int uid) {
        String n = Fmt.userName(uid);
        return n == null ? "" : " (" + n + ")";
    }
}
