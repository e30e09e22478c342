package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.LayoutChoice;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmSegment;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

/** Every NTP SHM segment under the key base, one row each. */
@Command(name = "list", mixinStandardHelpOptions = true,
        header = "List every NTP SHM segment on this machine.", sortOptions = false,
        description = {"Lists every NTP SHM segment on this machine (keys key base + 0..255), one row each: unit, key,"
                + " size and layout, owner, permissions, attaches, the last sample's age and valid.",
                "Age and valid need a read-only attach; \"-\" where that is denied. Never creates a segment.", ""})
final class ListCommand extends ShmCommand {

    @Override
    public Integer call() {
        List<ShmSegment> found = new ArrayList<>();
        for (ShmSegment s : ShmSegment.list()) {
            long unit = (long) s.key() - keyBase;
            if (unit >= 0 && unit <= ShmOptions.MAX_UNIT) {
                found.add(s);
            }
        }
        found.sort((a, b) -> Integer.compare(a.key(), b.key()));
        if (found.isEmpty()) {
            out.println("no NTP SHM segments under key base " + Fmt.hex(keyBase) + " (keys " + Fmt.hex(keyBase) + ".."
                    + Fmt.hex(keyBase + ShmOptions.MAX_UNIT) + ")");
            printNewLayout();
            return 0;
        }
        String fmt = "%4s  %-10s  %5s %-12s  %-10s  %5s  %7s  %12s  %5s%n";
        out.printf(fmt, "unit", "key", "bytes", "layout", "owner", "perms", "attach", "age", "valid");
        for (ShmSegment s : found) {
            int unit = s.key() - keyBase;
            String age = "-";
            String valid = "-";
            try (NtpdShm h = NtpdShm.open(options(unit).readOnly(true).build())) {
                Raw raw = Raw.read(h);
                age = raw.everWritten() ? Fmt.age(raw.ageNanos()) : "never";
                valid = raw.valid ? "1" : "0";
            } catch (NtpdShmException e) {
                // permission denied, an unknown size or no usable backend: the kernel's facts still show
            }
            out.printf(fmt, unit, Fmt.hex(s.key()), s.size(), s.layout().map(Enum::name).orElse("?"),
                    Fmt.owner(s.uid()), Fmt.octal(s.permissions()), s.attachCount(), age, valid);
        }
        printNewLayout();
        return 0;
    }

    /** Each segment's layout comes from its size; a new one's from the local daemons, which this says. */
    private void printNewLayout() {
        out.println("# layout of a new segment here: " + LayoutChoice.forNewSegments().evidence());
    }
}
