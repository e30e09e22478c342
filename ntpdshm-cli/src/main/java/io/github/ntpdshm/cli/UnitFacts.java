/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.internal.Nanos;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/** What doctor observes about one unit, read-only: the kernel's facts, who is attached, the sample, a short watch. */
final class UnitFacts {

    final int unit;
    final int key;
    final Optional<ShmSegment> segment;
    /** PID to process name ({@code /proc/PID/comm}) of every process with the segment mapped. */
    final Map<Long, String> attached;
    /** The latest sample (null when the segment is missing or could not be attached). */
    Raw raw;
    /** Why a read-only attach failed, or null. */
    String attachError;
    /** When {@link #raw} was read, epoch nanoseconds. */
    long readAtNanos;

    // the watch
    long watchedNanos;
    /** How many times count moved during the watch. */
    int countChanges;
    /** How many times valid went from 1 to 0 while count stayed: a consumer took a sample. */
    int validCleared;
    /** Whether valid was seen 1 at least once during the watch. */
    boolean validSeen;
    /** Whether every look during the watch saw an odd count. */
    boolean countAlwaysOdd;

    private UnitFacts(int unit, int key, Optional<ShmSegment> segment, Map<Long, String> attached) {
        this.unit = unit;
        this.key = key;
        this.segment = segment;
        this.attached = attached;
    }

    /** Facts of every unit in {@code units} that has a segment or is in {@code alsoUnits}. */
    static List<UnitFacts> gather(int[] units, java.util.Set<Integer> alsoUnits, int keyBase,
                                  java.util.function.IntFunction<ShmOptions.Builder> options, long watchNanos) {
        Map<Integer, ShmSegment> byKey = new HashMap<>();
        for (ShmSegment s : ShmSegment.list()) {
            byKey.put(s.key(), s);
        }
        Map<Integer, Map<Long, String>> maps = attachedByKey();
        List<UnitFacts> out = new ArrayList<>();
        for (int unit : units) {
            int key = keyBase + unit;
            ShmSegment seg = byKey.get(key);
            if (seg == null && !alsoUnits.contains(unit)) {
                continue;
            }
            out.add(new UnitFacts(unit, key, Optional.ofNullable(seg), maps.getOrDefault(key, new TreeMap<>())));
        }
        List<NtpdShm> handles = new ArrayList<>();
        try {
            for (UnitFacts f : out) {
                if (f.segment.isPresent()) {
                    try {
                        handles.add(NtpdShm.open(options.apply(f.unit).readOnly(true).build()));
                    } catch (NtpdShmException e) {
                        if (e.operation().equals("backend")) {
                            throw e;
                        }
                        f.attachError = e.getMessage();
                        handles.add(null);
                    }
                } else {
                    handles.add(null);
                }
            }
            watch(out, handles, watchNanos);
        } finally {
            for (NtpdShm h : handles) {
                if (h != null) {
                    h.close();
                }
            }
        }
        return out;
    }

    /** Peeks every attached unit each millisecond for {@code nanos}: count moves, valid cleared by a consumer. */
    private static void watch(List<UnitFacts> facts, List<NtpdShm> handles, long nanos) {
        int[] lastCount = new int[facts.size()];
        boolean[] lastValid = new boolean[facts.size()];
        for (int i = 0; i < facts.size(); i++) {
            NtpdShm h = handles.get(i);
            if (h != null) {
                lastCount[i] = h.getCount();
                lastValid[i] = h.isValid();
                facts.get(i).validSeen = lastValid[i];
                facts.get(i).countAlwaysOdd = (lastCount[i] & 1) != 0;
            }
        }
        long start = System.nanoTime();
        while (nanos > 0 && System.nanoTime() - start < nanos) {
            LockSupport.parkNanos(1_000_000L);
            for (int i = 0; i < facts.size(); i++) {
                NtpdShm h = handles.get(i);
                if (h == null) {
                    continue;
                }
                UnitFacts f = facts.get(i);
                int count = h.getCount();
                boolean valid = h.isValid();
                if (count != lastCount[i]) {
                    f.countChanges++;
                } else if (lastValid[i] && !valid) {
                    f.validCleared++;
                }
                f.validSeen |= valid;
                f.countAlwaysOdd &= (count & 1) != 0;
                lastCount[i] = count;
                lastValid[i] = valid;
            }
        }
        long watched = System.nanoTime() - start;
        for (int i = 0; i < facts.size(); i++) {
            NtpdShm h = handles.get(i);
            UnitFacts f = facts.get(i);
            f.watchedNanos = watched;
            if (h != null) {
                f.raw = Raw.read(h);
                java.time.Instant now = java.time.Instant.now();
                f.readAtNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }
        }
    }

    /**
     * Facts of a unit already attached (the exporter keeps its handles): the sample read now, no watch. The
     * segment and attached processes come from the caller's one pass over the kernel's tables.
     */
    static UnitFacts of(NtpdShm h, Optional<ShmSegment> segment, Map<Long, String> attached) {
        UnitFacts f = new UnitFacts(h.unit(), h.key(), segment, attached);
        f.raw = Raw.read(h);
        java.time.Instant now = java.time.Instant.now();
        f.readAtNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        f.validSeen = f.raw.valid;
        return f;
    }

    /** Processes attached, by key: the {@code /SYSV%08x} lines of every {@code /proc/PID/maps}. */
    static Map<Integer, Map<Long, String>> attachedByKey() {
        Map<Integer, Map<Long, String>> out = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                try (BufferedReader r = Files.newBufferedReader(p.resolve("maps"), StandardCharsets.ISO_8859_1)) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        int at = line.indexOf("/SYSV");
                        if (at < 0 || line.length() < at + 13) {
                            continue;
                        }
                        int key = (int) Long.parseLong(line.substring(at + 5, at + 13), 16);
                        long pid = Long.parseLong(p.getFileName().toString());
                        out.computeIfAbsent(key, k -> new TreeMap<>()).put(pid, comm(p));
                    }
                } catch (IOException | RuntimeException e) {
                    // ended meanwhile, or not ours to read (then ipcs shows only the count)
                }
            }
        } catch (IOException e) {
            // no /proc: no names
        }
        return out;
    }

    private static String comm(Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("comm")), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** now - receive time at the moment of the read, nanoseconds. */
    long ageNanos() {
        return Nanos.difference(Math.floorDiv(readAtNanos, 1_000_000_000L),
                Math.floorMod(readAtNanos, 1_000_000_000L), raw.sample.receiveTimeStampSec(), raw.sample.receiveNanos());
    }

    /** ntpd's own age test: whole seconds of its clock minus the receive time's seconds. */
    long ageWholeSeconds() {
        return Math.floorDiv(readAtNanos, 1_000_000_000L) - raw.sample.receiveTimeStampSec();
    }

    /** Names of the attached processes that are known consumers (they clear valid). */
    List<String> consumers() {
        List<String> c = new ArrayList<>();
        for (Map.Entry<Long, String> e : attached.entrySet()) {
            String n = e.getValue().toLowerCase(Locale.ROOT);
            if (n.equals("ntpd") || n.equals("chronyd")) {
                c.add(e.getValue() + " (pid " + e.getKey() + ")");
            }
        }
        return c;
    }
}
