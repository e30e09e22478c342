/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.internal.Errno;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Optional;

/** IPC_RMID, refusing while others are attached unless forced. */
@Command(name = "remove", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "Remove a unit's segment (IPC_RMID).", sortOptions = false,
        description = {"Removes a unit's segment (shmctl IPC_RMID). While processes are attached it refuses and names"
                + " them; with --force the segment is marked for removal and disappears once the last one detaches"
                + " (a writer still attached keeps writing into memory no new reader can find).", ""})
final class Remove extends ShmCommand {

    @Option(names = {"-u", "--unit"}, required = true, paramLabel = "N", converter = Converters.Unit.class,
            description = "unit 0..255 (key = key base + N)")
    int unit;

    @Option(names = {"-f", "--force"}, description = "remove it even while processes are attached")
    boolean force;

    @Override
    public Integer call() {
        ShmOptions options = options(unit).readOnly(true).build();
        int key = options.key();
        String which = "unit " + unit + " (key " + Fmt.hex(key) + ")";
        Optional<ShmSegment> seg = ShmSegment.ofKey(key);
        if (!seg.isPresent()) {
            throw new CliException("no segment for " + which + ": ENOENT (" + Errno.text(Errno.ENOENT)
                    + "); nothing to remove. `ntpdshm list" + keyBaseArg() + "` shows the units that exist.");
        }
        ShmSegment s = seg.get();
        String pids = "creator PID " + s.creatorPid() + ", last attach/detach by PID " + s.lastPid();
        if (s.attachCount() > 0 && !force) {
            throw new CliException(which + " is attached by " + s.attachCount() + " process"
                    + (s.attachCount() == 1 ? "" : "es") + " (" + pids + "; `ipcs -mp` shows them); refusing to remove it."
                    + " Stop them first, or use --force: the segment then disappears once they detach.");
        }
        if (!NtpdShm.remove(options)) {
            throw new CliException("no segment for " + which + " any more: it was removed meanwhile; nothing to do.");
        }
        if (s.attachCount() > 0) {
            out.println("marked " + which + " for removal: it disappears once its " + s.attachCount() + " attached process"
                    + (s.attachCount() == 1 ? "" : "es") + " detach (" + pids + ")");
        } else {
            out.println("removed " + which + ": " + s.size() + " bytes, owner " + Fmt.owner(s.uid()) + ", permissions "
                    + Fmt.octal(s.permissions()));
        }
        return 0;
    }
}
