/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Why ntpd or chrony does (not) take a unit's samples: the facts, and a verdict per daemon with what to do. */
@Command(name = "doctor", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "Tell why ntpd/NTPsec or chrony would (not) take each unit's samples.", sortOptions = false,
        description = {"For every unit that has a segment (or that a daemon's configuration reads): the facts (segment,"
                + " size and layout, owner and permissions, attached processes, the latest sample and its age, whether"
                + " count moves and a consumer clears valid during a short watch) and a verdict per daemon, ntpd/NTPsec"
                + " and chrony: would it accept the sample now, and if not every reason with what to do.",
                "Reads /etc/ntpsec/ntp.conf or /etc/ntp.conf, and /etc/chrony/chrony.conf with its conf.d, to know which"
                        + " units each daemon reads and chrony's poll; says what it assumed where there is none."
                        + " Read-only: never creates a segment and never clears valid.", ""},
        footer = {"", "Exit codes: 0 every unit present is accepted by the daemons that read it; 3 some daemon would"
                + " reject a unit's samples (see the reasons); 1 doctor itself failed; 2 usage error."})
final class Doctor extends ShmCommand {

    /** Exit code when a daemon that reads a unit would reject its samples. */
    static final int REJECTED = 3;

    @Option(names = {"-U", "--units"}, paramLabel = "LIST", defaultValue = "all", converter = Converters.Units.class,
            description = "units to examine: all, 0-7, 2, 0,2,4-6 (default: ${DEFAULT-VALUE}; only those with a segment"
                    + " or in a daemon's configuration are shown)")
    Converters.UnitSet unitSet;

    @Option(names = "--json", description = "one JSON object: {\"format\":1, \"assumed\":[...], \"units\":[{\"unit\":N,"
            + " ..., \"ntpd\":{\"accept\":..., \"reasons\":[...]}, \"chrony\":{...}}]}")
    boolean json;

    @Option(names = {"-w", "--watch"}, paramLabel = "DURATION", defaultValue = "2s",
            converter = Converters.NonNegativeDuration.class,
            description = "how long to watch count and valid (a consumer clearing valid, a writer that stopped);"
                    + " 0 for none (default: ${DEFAULT-VALUE})")
    long watchNanos;

    @Option(names = "--ntp-conf", paramLabel = "FILE",
            description = "ntpd's configuration, or none (default: /etc/ntpsec/ntp.conf, else /etc/ntp.conf)")
    String ntpConf;

    @Option(names = "--chrony-conf", paramLabel = "FILE",
            description = "chrony's configuration, or none (default: /etc/chrony/chrony.conf and its conf.d)")
    String chronyConf;

    @Option(names = "--daemon-layout", paramLabel = "LAYOUT",
            description = "the daemons' struct shmTime: LP64 (96 bytes), ILP32 (80), ILP32_TIME64 (88)"
                    + " (default: this machine's)")
    ShmLayout daemonLayout;

    @Override
    public Integer call() {
        DaemonConfigs.Config ntpd = DaemonConfigs.ntpd(ntpConf);
        DaemonConfigs.Config chrony = DaemonConfigs.chrony(chronyConf);
        ShmRules rules = new ShmRules(daemonLayout != null ? daemonLayout : ShmLayout.platform(), ntpd, chrony);
        List<UnitFacts> facts = UnitFacts.gather(unitSet.units, rules.configuredUnits(), keyBase, this::options,
                watchNanos);
        boolean ok = true;
        List<ShmRules.Verdict[]> verdicts = new ArrayList<>();
        for (UnitFacts f : facts) {
            ShmRules.Verdict[] v = {rules.judge(ShmRules.Daemon.NTPD, f), rules.judge(ShmRules.Daemon.CHRONY, f)};
            for (ShmRules.Verdict one : v) {
                ok &= !one.counts || one.accept();
            }
            verdicts.add(v);
        }
        if (json) {
            printJson(rules, facts, verdicts, ok);
        } else {
            printText(rules, facts, verdicts, ok);
        }
        return ok ? 0 : REJECTED;
    }

    private void printText(ShmRules rules, List<UnitFacts> facts, List<ShmRules.Verdict[]> verdicts, boolean ok) {
        for (String a : rules.assumptions()) {
            out.println("# assumed: " + a);
        }
        if (facts.isEmpty()) {
            out.println("no NTP SHM segment and no configured unit among units " + unitSet + " under key base "
                    + Fmt.hex(keyBase) + ": nothing to examine");
        }
        for (int i = 0; i < facts.size(); i++) {
            UnitFacts f = facts.get(i);
            out.println();
            out.println("unit " + f.unit + " (key " + Fmt.hex(f.key) + ")");
            if (f.segment.isPresent()) {
                ShmSegment s = f.segment.get();
                out.println("  segment   " + s.size() + " bytes" + s.layout().map(l -> " " + l.name()).orElse(" (no known"
                        + " layout)") + ", owner " + Fmt.owner(s.uid()) + ", permissions " + Fmt.octal(s.permissions())
                        + ", " + s.attachCount() + " attached" + (f.attached.isEmpty() ? "" : ": " + processes(f)));
            } else {
                out.println("  segment   none");
            }
            if (f.raw != null) {
                ShmSample s = f.raw.sample;
                out.println("  sample    " + (f.raw.everWritten()
                        ? "receive " + Fmt.iso(s.receiveTimeStampSec(), s.receiveNanos()) + ", clock "
                        + Fmt.iso(s.clockTimeStampSec(), s.clockNanos()) + ", offset " + Fmt.offset(s.offsetNanos())
                        + ", age " + Fmt.age(f.ageNanos()) : "never written"));
                out.println("  fields    mode " + s.mode() + ", count " + s.count() + ", valid " + (f.raw.valid ? 1 : 0)
                        + ", leap " + s.leap() + ", precision " + s.precision() + ", nanoseconds "
                        + (s.hasNanoseconds() ? "yes" : "no (NSec disagrees with USec)"));
                if (f.watchedNanos > 0) {
                    out.println("  watched   " + Fmt.age(f.watchedNanos) + ": count moved " + f.countChanges
                            + " time(s), a consumer cleared valid " + f.validCleared + " time(s)"
                            + (f.countAlwaysOdd ? ", count odd throughout (a writer stopped mid-sample?)" : ""));
                }
            }
            for (ShmRules.Verdict v : verdicts.get(i)) {
                out.printf("  %-12s %s%n", v.daemon.label + ":", (v.accept() ? "ACCEPT" : "REJECT")
                        + (Boolean.FALSE.equals(v.reads) ? " (does not read this unit)" : ""));
                for (String r : v.reasons) {
                    out.println("    - " + r);
                }
                for (String n : v.notes) {
                    out.println("    note: " + n);
                }
            }
        }
        out.println();
        out.println(ok ? "ok: every unit present is accepted by the daemons that read it"
                : "PROBLEM: a daemon that reads a unit would reject its samples (exit status " + REJECTED + ")");
    }

    private static String processes(UnitFacts f) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Long, String> e : f.attached.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getValue()).append(" (").append(e.getKey()).append(')');
        }
        return b.toString();
    }

    private void printJson(ShmRules rules, List<UnitFacts> facts, List<ShmRules.Verdict[]> verdicts, boolean ok) {
        StringBuilder j = new StringBuilder("{\"format\":").append(Fmt.JSON_FORMAT)
                .append(",\"keyBase\":").append(Fmt.json(Fmt.hex(keyBase)))
                .append(",\"ok\":").append(ok)
                .append(",\"assumed\":").append(strings(rules.assumptions()))
                .append(",\"units\":[");
        for (int i = 0; i < facts.size(); i++) {
            UnitFacts f = facts.get(i);
            j.append(i == 0 ? "" : ",").append("{\"unit\":").append(f.unit)
                    .append(",\"key\":").append(Fmt.json(Fmt.hex(f.key)))
                    .append(",\"present\":").append(f.segment.isPresent());
            if (f.segment.isPresent()) {
                ShmSegment s = f.segment.get();
                j.append(",\"segment\":{\"shmid\":").append(s.shmid())
                        .append(",\"size\":").append(s.size())
                        .append(",\"layout\":").append(Fmt.json(s.layout().map(Enum::name).orElse(null)))
                        .append(",\"uid\":").append(s.uid())
                        .append(",\"user\":").append(Fmt.json(Fmt.userName(s.uid())))
                        .append(",\"permissions\":").append(Fmt.json(Fmt.octal(s.permissions())))
                        .append(",\"attaches\":").append(s.attachCount())
                        .append(",\"processes\":[");
                int n = 0;
                for (Map.Entry<Long, String> e : f.attached.entrySet()) {
                    j.append(n++ == 0 ? "" : ",").append("{\"pid\":").append(e.getKey()).append(",\"name\":")
                            .append(Fmt.json(e.getValue())).append('}');
                }
                j.append("]}");
            }
            if (f.raw != null) {
                ShmSample s = f.raw.sample;
                j.append(",\"sample\":{\"written\":").append(f.raw.everWritten())
                        .append(",\"mode\":").append(s.mode())
                        .append(",\"count\":").append(s.count())
                        .append(",\"valid\":").append(f.raw.valid)
                        .append(",\"leap\":").append(s.leap())
                        .append(",\"precision\":").append(s.precision())
                        .append(",\"nanoseconds\":").append(s.hasNanoseconds())
                        .append(",\"receive\":").append(Fmt.json(Fmt.iso(s.receiveTimeStampSec(), s.receiveNanos())))
                        .append(",\"clock\":").append(Fmt.json(Fmt.iso(s.clockTimeStampSec(), s.clockNanos())))
                        .append(",\"offset_s\":").append(Fmt.seconds(s.offsetNanos()))
                        .append(",\"age_s\":").append(f.raw.everWritten() ? Fmt.seconds(f.ageNanos()) : "null")
                        .append("},\"watch\":{\"seconds\":").append(Fmt.seconds(f.watchedNanos))
                        .append(",\"countChanges\":").append(f.countChanges)
                        .append(",\"validCleared\":").append(f.validCleared)
                        .append(",\"countAlwaysOdd\":").append(f.countAlwaysOdd).append('}');
            }
            for (ShmRules.Verdict v : verdicts.get(i)) {
                j.append(",").append(Fmt.json(v.daemon.key)).append(":{\"accept\":").append(v.accept())
                        .append(",\"reads\":").append(v.reads == null ? "null" : v.reads.toString())
                        .append(",\"counts\":").append(v.counts)
                        .append(",\"reasons\":").append(strings(v.reasons))
                        .append(",\"notes\":").append(strings(v.notes)).append('}');
            }
            j.append('}');
        }
        out.println(j.append("]}"));
    }

    private static String strings(List<String> list) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) {
            b.append(i == 0 ? "" : ",").append(Fmt.json(list.get(i)));
        }
        return b.append(']').toString();
    }
}
