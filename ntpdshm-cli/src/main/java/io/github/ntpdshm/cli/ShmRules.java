package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The acceptance rules of ntpd/NTPsec and chrony for an SHM sample, one small method each, as the daemons' sources
 * have them (see docs/cli.md, "doctor"). Each rule says, in a sentence, what is wrong and what to do.
 */
final class ShmRules {

    /** ntpd: {@code now.sec - receive.sec} at most this (its {@code max_delay}), and never negative. */
    static final long NTPD_MAX_AGE_SECONDS = 5;
    /** ntpd classic (NTPsec with flag1): clock and receive at most 4 h apart. */
    static final long NTPD_MAX_DELTA_SECONDS = 4 * 3600;

    /** The two consumers doctor knows. */
    enum Daemon {
        NTPD("ntpd", "ntpd/NTPsec"), CHRONY("chrony", "chrony");

        final String key;
        final String label;

        Daemon(String key, String label) {
            this.key = key;
            this.label = label;
        }
    }

    /** One daemon's verdict on one unit. */
    static final class Verdict {
        final Daemon daemon;
        /** true: its configuration reads the unit; false: it does not; null: no configuration, assumed. */
        final Boolean reads;
        /** Whether this verdict decides doctor's exit status (the daemon reads the unit, or is assumed to). */
        final boolean counts;
        final List<String> reasons = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Verdict(Daemon daemon, Boolean reads, boolean counts) {
            this.daemon = daemon;
            this.reads = reads;
            this.counts = counts;
        }

        boolean accept() {
            return reasons.isEmpty();
        }
    }

    private final ShmLayout daemonLayout;
    private final DaemonConfigs.Config ntpd;
    private final DaemonConfigs.Config chrony;

    ShmRules(ShmLayout daemonLayout, DaemonConfigs.Config ntpd, DaemonConfigs.Config chrony) {
        this.daemonLayout = daemonLayout;
        this.ntpd = ntpd;
        this.chrony = chrony;
    }

    /** What doctor assumed for lack of a configuration, one sentence each. */
    List<String> assumptions() {
        List<String> a = new ArrayList<>();
        a.add("the daemons use this machine's struct shmTime: " + daemonLayout.label());
        if (!ntpd.found()) {
            a.add("no ntpd configuration (" + DaemonConfigs.NTP_DEFAULTS.get(0) + ", " + DaemonConfigs.NTP_DEFAULTS.get(1)
                    + "): ntpd/NTPsec's rules assumed for every unit (samples at most " + NTPD_MAX_AGE_SECONDS
                    + " s old, clock and receive at most 4 h apart as ntpd classic checks)");
        }
        if (!chrony.found()) {
            a.add("no chrony configuration (" + DaemonConfigs.CHRONY_DEFAULTS.get(0) + "): chrony's rules assumed for"
                    + " every unit with its default poll " + DaemonConfigs.CHRONY_DEFAULT_POLL + " (samples at most "
                    + Converters.plainSeconds(Math.round(maxAgeSeconds(DaemonConfigs.CHRONY_DEFAULT_POLL) * 1e9))
                    + " s old)");
        }
        return a;
    }

    /** The daemons' configured units: doctor reports them even when their segment is missing. */
    java.util.Set<Integer> configuredUnits() {
        java.util.Set<Integer> s = new java.util.TreeSet<>(ntpd.units.keySet());
        s.addAll(chrony.units.keySet());
        return s;
    }

    Verdict judge(Daemon d, UnitFacts f) {
        DaemonConfigs.Config own = d == Daemon.NTPD ? ntpd : chrony;
        DaemonConfigs.Config other = d == Daemon.NTPD ? chrony : ntpd;
        Boolean reads = own.found() ? (Boolean) own.units.containsKey(f.unit) : null;
        // an assumed reader counts only when no configuration at all was found: else the other daemon is the one here
        boolean counts = Boolean.TRUE.equals(reads) || reads == null && !other.found();
        Verdict v = new Verdict(d, reads, counts);
        if (Boolean.FALSE.equals(reads)) {
            v.reasons.add(notConfigured(d, own, f.unit));
            return v;
        }
        if (reads == null) {
            v.notes.add("assumed: " + d.label + " reads unit " + f.unit + " (no configuration found)");
        } else {
            v.notes.add("configured: " + own.unit(f.unit).get().where);
        }
        Optional<String> fatal = segmentMissing(f).or(() -> notAttachable(f)).or(() -> wrongSize(d, f))
                .or(() -> neverWritten(f));
        if (fatal.isPresent()) {
            v.reasons.add(fatal.get());
            writerPermissions(f).ifPresent(v.notes::add);
            return v;
        }
        ShmSample s = f.raw.sample;
        badMode(d, s).ifPresent(v.reasons::add);
        notInSync(d, s).ifPresent(v.reasons::add);
        (d == Daemon.NTPD ? ntpdAge(f) : chronyAge(f, own.unit(f.unit).map(u -> u.poll)
                .orElse(DaemonConfigs.CHRONY_DEFAULT_POLL))).ifPresent(v.reasons::add);
        if (d == Daemon.NTPD) {
            ntpdDelta(f, own).ifPresent(v.reasons::add);
        }
        validNeverSet(f).ifPresent(v.reasons::add);
        twoConsumers(f).ifPresent(v.reasons::add);
        if (!v.reasons.isEmpty()) {
            writerPermissions(f).ifPresent(v.notes::add);
        }
        microseconds(d, s).ifPresent(v.notes::add);
        consumed(f).ifPresent(v.notes::add);
        return v;
    }

    // ---- the rules ---------------------------------------------------------------------------------------

    static String notConfigured(Daemon d, DaemonConfigs.Config c, int unit) {
        return c.daemon.equals("ntpd")
                ? d.label + "'s " + c.file + " reads no SHM unit " + unit + ": add `refclock shm unit " + unit
                        + " refid SHM` (NTPsec) or `server 127.127.28." + unit + "` (ntpd classic) if it should"
                : "chrony's " + c.file + " (and its conf.d) reads no SHM unit " + unit + ": add `refclock SHM " + unit
                        + "` if it should";
    }

    static Optional<String> segmentMissing(UnitFacts f) {
        return f.segment.isPresent() ? Optional.empty() : Optional.of("no segment for unit " + f.unit + " (key "
                + Fmt.hex(f.key) + "): the daemon is not running, or nothing created it yet. Start the daemon (it"
                + " creates the segment) or the writer");
    }

    static Optional<String> notAttachable(UnitFacts f) {
        return f.attachError == null ? Optional.empty()
                : Optional.of("doctor could not look inside: " + Main.toolWords(f.attachError));
    }

    Optional<String> wrongSize(Daemon d, UnitFacts f) {
        ShmSegment s = f.segment.get();
        if (s.size() == daemonLayout.size()) {
            return Optional.empty();
        }
        String what = s.size() > daemonLayout.size()
                ? "it attaches but reads every field after count at the wrong offset"
                : d == Daemon.CHRONY
                ? "its shmget for " + daemonLayout.size() + " bytes fails with EINVAL, and chronyd exits at start"
                        + " (\"Fatal error : shmget() failed : Invalid argument\")"
                : "its shmget for " + daemonLayout.size() + " bytes fails with EINVAL, so it never attaches";
        return Optional.of("the segment is " + s.size() + " bytes"
                + s.layout().map(l -> " (" + l.name() + ")").orElse(" (no known layout)") + " but " + d.label
                + " on this machine uses " + daemonLayout.size() + " bytes (" + daemonLayout.name() + "): " + what
                + ". Remove the segment (ntpdshm remove --unit " + f.unit + ") and have the writer create it with"
                + " layout " + daemonLayout.name() + " (a writer built with a 32-bit or 64-bit time_t unlike the"
                + " daemon's makes this)");
    }

    static Optional<String> neverWritten(UnitFacts f) {
        return f.raw.everWritten() ? Optional.empty() : Optional.of("nothing was ever written (count 0, receive time"
                + " 0): no writer has fed this unit. Start the writer, and check it uses key " + Fmt.hex(f.key));
    }

    static Optional<String> badMode(Daemon d, ShmSample s) {
        return s.mode() == 0 || s.mode() == 1 ? Optional.empty() : Optional.of("mode is " + s.mode() + ": "
                + d.label + " takes only mode 0 or 1 and ignores every sample of another mode. The writer must set"
                + " mode 1 (count protects against torn reads) or 0");
    }

    static Optional<String> notInSync(Daemon d, ShmSample s) {
        return s.leap() != 3 ? Optional.empty() : Optional.of("leap is 3 (\"not in sync\"): " + d.label
                + " drops samples of a clock that says it is not synchronised. The writer must get a fix first,"
                + " then write leap 0 (1 or 2 only in a month with a leap second)");
    }

    static Optional<String> ntpdAge(UnitFacts f) {
        long age = f.ageWholeSeconds();
        if (age < 0) {
            return Optional.of("the receive time is " + Fmt.age(-f.ageNanos()) + " in the future: ntpd rejects"
                    + " it (\"stale/bad receive time\"). The writer must put this machine's clock in receiveTimeStamp");
        }
        if (age > NTPD_MAX_AGE_SECONDS) {
            return Optional.of("the sample is " + Fmt.age(f.ageNanos()) + " old (" + age + " whole seconds): ntpd"
                    + " takes samples at most " + NTPD_MAX_AGE_SECONDS + " s old (\"stale/bad receive time\")."
                    + " The writer has stopped or writes too seldom, or receiveTimeStamp is not the time of writing");
        }
        return Optional.empty();
    }

    /** chrony's limit for a refclock with this poll: 2^(poll+1) s. */
    static double maxAgeSeconds(int poll) {
        return Math.pow(2, poll + 1);
    }

    static Optional<String> chronyAge(UnitFacts f, int poll) {
        long age = f.ageNanos();
        double max = maxAgeSeconds(poll);
        if (age < 0) {
            return Optional.of("the receive time is " + Fmt.age(-age) + " in the future: chrony rejects it. The"
                    + " writer must put this machine's clock in receiveTimeStamp");
        }
        if (age > max * 1e9) {
            return Optional.of("the sample is " + Fmt.age(age) + " old: chrony with poll " + poll + " takes samples"
                    + " at most 2^(poll+1) = " + Converters.plainSeconds(Math.round(max * 1e9)) + " s old. Write more often than that, or raise"
                    + " poll on the refclock line");
        }
        return Optional.empty();
    }

    static Optional<String> ntpdDelta(UnitFacts f, DaemonConfigs.Config c) {
        ShmSample s = f.raw.sample;
        long delta = Math.abs(s.receiveTimeStampSec() - s.clockTimeStampSec()
                - (s.receiveNanos() < s.clockNanos() ? 1 : 0));
        if (delta <= NTPD_MAX_DELTA_SECONDS) {
            return Optional.empty();
        }
        boolean checked = !c.isNtpsec() || c.unit(f.unit).map(u -> u.flag1).orElse(false);
        if (!checked) {
            return Optional.empty();
        }
        return Optional.of("clock and receive time are " + delta + " s apart: ntpd"
                + (c.isNtpsec() ? " (NTPsec with flag1)" : "") + " rejects more than 4 h (\"difference limit"
                + " exceeded\"). Set this machine's clock roughly first, or check the writer's clockTimeStamp");
    }

    static Optional<String> validNeverSet(UnitFacts f) {
        if (f.raw.valid || f.validSeen || f.countChanges == 0) {
            return Optional.empty();
        }
        return Optional.of("count moved " + f.countChanges + " times in " + Fmt.age(f.watchedNanos) + " but valid"
                + " stayed 0: the writer never sets valid, so no daemon ever reads a sample. Set valid = 1 after"
                + " each sample");
    }

    static Optional<String> twoConsumers(UnitFacts f) {
        List<String> c = f.consumers();
        if (c.size() < 2) {
            return Optional.empty();
        }
        return Optional.of("unit " + f.unit + " is read by " + c.size() + " consumers (" + String.join(", ", c)
                + "): each clears valid, so they steal each other's samples. Let one daemon read it, or give each"
                + " its own unit");
    }

    static Optional<String> microseconds(Daemon d, ShmSample s) {
        return s.hasNanoseconds() ? Optional.empty() : Optional.of("clockTimeStampNSec/receiveTimeStampNSec"
                + " disagree with the USec fields: " + d.label + " uses the microseconds, so the offset it sees is "
                + Fmt.offset(s.offsetNanos()) + ". Write both, NSec / 1000 == USec");
    }

    static Optional<String> consumed(UnitFacts f) {
        if (f.validCleared > 0) {
            return Optional.of("a consumer cleared valid " + f.validCleared + " time(s) in " + Fmt.age(f.watchedNanos)
                    + ": someone is reading this unit");
        }
        if (!f.raw.valid) {
            return Optional.of("valid is 0: a consumer took the latest sample, or no new sample was written since");
        }
        return Optional.empty();
    }

    static Optional<String> writerPermissions(UnitFacts f) {
        return f.segment.filter(s -> (s.permissions() & 0022) == 0 && s.uid() == 0)
                .map(s -> "the segment is root's with permissions " + Fmt.octal(s.permissions()) + ": only a writer"
                        + " running as root can write it (gpsd as nobody cannot; chrony: `refclock SHM " + f.unit
                        + ":perm=0666`, ntpd makes units 2 and up 0666)");
    }
}
