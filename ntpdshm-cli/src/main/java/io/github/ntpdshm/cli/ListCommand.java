/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.LayoutChoice;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmSegment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Every NTP SHM segment under the key base, one row each. */
@Command(name = "list", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "List every NTP SHM segment on this machine.", sortOptions = false,
        description = {"Lists every NTP SHM segment on this machine (keys key base + 0..255), one row each: unit, key,"
                + " size and layout, owner, permissions, attaches, the last sample's age and valid.",
                "Age and valid need a read-only attach; \"-\" where that is denied. Never creates a segment.", ""})
final class ListCommand extends ShmCommand {

    @Option(names = "--json", description = "one JSON object: {\"format\":1, \"keyBase\", \"segments\":[...],"
            + " \"newSegmentLayout\", \"newSegmentLayoutEvidence\"}")
    boolean json;

    /** One segment and what a read-only attach showed (null where it was denied). */
    private static final class Row {
        final int unit;
        final ShmSegment segment;
        Long ageNanos;
        boolean written;
        Boolean valid;

        Row(int unit, ShmSegment segment) {
            this.unit = unit;
            this.segment = segment;
        }
    }

    @Override
    public Integer call() {
        List<Row> rows = new ArrayList<>();
        for (ShmSegment s : ShmSegment.list()) {
            long unit = (long) s.key() - keyBase;
            if (unit >= 0 && unit <= ShmOptions.MAX_UNIT) {
                rows.add(read(new Row((int) unit, s)));
            }
        }
        rows.sort((a, b) -> Integer.compare(a.unit, b.unit));
        if (json) {
            printJson(rows);
        } else {
            printText(rows);
        }
        return 0;
    }

    private Row read(Row row) {
        try (NtpdShm h = NtpdShm.open(options(row.unit).readOnly(true).build())) {
            Raw raw = Raw.read(h);
            row.written = raw.everWritten();
            row.ageNanos = raw.everWritten() ? raw.ageNanos() : null;
            row.valid = raw.valid;
        } catch (NtpdShmException e) {
            // permission denied, an unknown size or no usable backend: the kernel's facts still show
        }
        return row;
    }

    private void printText(List<Row> rows) {
        if (rows.isEmpty()) {
            out.println("no NTP SHM segments under key base " + Fmt.hex(keyBase) + " (keys " + Fmt.hex(keyBase) + ".."
                    + Fmt.hex(keyBase + ShmOptions.MAX_UNIT) + ")");
            printNewLayout();
            return;
        }
        String fmt = "%4s  %-10s  %5s %-12s  %-10s  %5s  %7s  %12s  %5s%n";
        out.printf(fmt, "unit", "key", "bytes", "layout", "owner", "perms", "attach", "age", "valid");
        for (Row r : rows) {
            ShmSegment s = r.segment;
            String age = r.valid == null ? "-" : r.written ? Fmt.age(r.ageNanos) : "never";
            String valid = r.valid == null ? "-" : r.valid ? "1" : "0";
            out.printf(fmt, r.unit, Fmt.hex(s.key()), s.size(), s.layout().map(Enum::name).orElse("?"),
                    Fmt.owner(s.uid()), Fmt.octal(s.permissions()), s.attachCount(), age, valid);
        }
        printNewLayout();
    }

    /** Each segment's layout comes from its size; a new one's from the local daemons, which this says. */
    private void printNewLayout() {
        out.println("# layout of a new segment here: " + LayoutChoice.forNewSegments().evidence());
    }

    private void printJson(List<Row> rows) {
        StringBuilder j = new StringBuilder("{\"format\":").append(Fmt.JSON_FORMAT)
                .append(",\"keyBase\":").append(Fmt.json(Fmt.hex(keyBase))).append(",\"segments\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            ShmSegment s = r.segment;
            j.append(i == 0 ? "" : ",").append("{\"unit\":").append(r.unit)
                    .append(",\"key\":").append(Fmt.json(Fmt.hex(s.key())))
                    .append(",\"shmid\":").append(s.shmid())
                    .append(",\"size\":").append(s.size())
                    .append(",\"layout\":").append(Fmt.json(s.layout().map(Enum::name).orElse(null)))
                    .append(",\"uid\":").append(s.uid())
                    .append(",\"user\":").append(Fmt.json(Fmt.userName(s.uid())))
                    .append(",\"permissions\":").append(Fmt.json(Fmt.octal(s.permissions())))
                    .append(",\"attaches\":").append(s.attachCount())
                    .append(",\"readable\":").append(r.valid != null)
                    .append(",\"written\":").append(r.valid == null ? "null" : Boolean.toString(r.written))
                    .append(",\"age_s\":").append(r.ageNanos == null ? "null" : Fmt.seconds(r.ageNanos))
                    .append(",\"valid\":").append(r.valid == null ? "null" : r.valid.toString())
                    .append('}');
        }
        LayoutChoice next = LayoutChoice.forNewSegments();
        j.append("],\"newSegmentLayout\":").append(Fmt.json(next.layout().map(Enum::name).orElse(null)))
                .append(",\"newSegmentLayoutEvidence\":").append(Fmt.json(next.evidence()));
        out.println(j.append("}"));
    }
}
