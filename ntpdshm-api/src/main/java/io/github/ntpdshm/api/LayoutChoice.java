package io.github.ntpdshm.api;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The layout a new segment gets when the caller names none, and the evidence that decided it.
 *
 * <p>An existing segment's size always decides its own layout. For a new one, the layout must be the one the local
 * daemons read, or they cannot attach it ({@code shmget} fails with EINVAL when the segment is smaller than their
 * {@code struct shmTime}) or read fields at the wrong offsets. A 32-bit Linux has two: Debian 12 builds its armhf
 * and i386 daemons with a 32-bit {@code time_t} (80 bytes), Debian 13 and Ubuntu 24.04 their armhf ones with a 64-bit
 * {@code time_t} (96 bytes). So the evidence is, in order:
 * <ol>
 *   <li>the installed {@code ntpd}, {@code chronyd} and {@code gpsd} programs (the {@value #DAEMONS_PROPERTY} system
 *   property, a list separated by {@code :}, names others): 64-bit programs, and 32-bit ones that import glibc's
 *   64-bit-time symbols, use a 64-bit {@code time_t};</li>
 *   <li>where none is found, this JVM's platform ({@link ShmLayout#platform()}).</li>
 * </ol>
 * When the daemons disagree there is no layout: opening a new segment without one then fails and says which daemon
 * uses which, rather than create a segment one of them cannot use.
 */
public final class LayoutChoice {

    /** System property: the daemon programs to take as evidence, separated by {@code :}. */
    public static final String DAEMONS_PROPERTY = "ntpdshm.daemons";

    private static final List<String> DEFAULT_DAEMONS = Arrays.asList("/usr/sbin/ntpd", "/usr/sbin/chronyd",
            "/usr/sbin/gpsd", "/usr/local/sbin/ntpd", "/usr/local/sbin/chronyd", "/usr/local/sbin/gpsd");

    private static String cachedFor;
    private static LayoutChoice cached;

    private final Optional<ShmLayout> layout;
    private final String evidence;

    private LayoutChoice(Optional<ShmLayout> layout, String evidence) {
        this.layout = layout;
        this.evidence = evidence;
    }

    /**
     * The choice for new segments on this host, decided once per value of {@value #DAEMONS_PROPERTY} (it reads the
     * headers of a few programs).
     */
    public static synchronized LayoutChoice forNewSegments() {
        String property = System.getProperty(DAEMONS_PROPERTY, "");
        if (cached == null || !property.equals(cachedFor)) {
            List<Path> daemons = new ArrayList<>();
            for (String p : property.isEmpty() ? DEFAULT_DAEMONS : Arrays.asList(property.split(File.pathSeparator))) {
                if (!p.isEmpty()) {
                    daemons.add(Paths.get(p));
                }
            }
            cached = of(daemons);
            cachedFor = property;
        }
        return cached;
    }

    /** The choice these daemon programs give; those that do not exist are left out. */
    static LayoutChoice of(List<Path> daemons) {
        Map<Path, ElfTimeAbi.Finding> found = new LinkedHashMap<>();
        for (Path d : daemons) {
            if (Files.isRegularFile(d)) {
                found.put(d, ElfTimeAbi.read(d));
            }
        }
        TreeSet<ShmLayout> layouts = new TreeSet<>();
        List<String> said = new ArrayList<>();
        for (Map.Entry<Path, ElfTimeAbi.Finding> e : found.entrySet()) {
            e.getValue().layout.ifPresent(layouts::add);
            said.add(e.getKey() + ": " + e.getValue().what
                    + e.getValue().layout.map(l -> ", layout " + l.name()).orElse(""));
        }
        if (layouts.size() == 1) {
            ShmLayout l = layouts.first();
            return new LayoutChoice(Optional.of(l), l.label() + ", as the local daemons read it (" + String.join("; ", said)
                    + ")");
        }
        if (layouts.size() > 1) {
            return new LayoutChoice(Optional.empty(), "none: the local daemons disagree (" + String.join("; ", said)
                    + "), so a new segment would not fit one of them");
        }
        ShmLayout p = ShmLayout.platform();
        String bits = p == ShmLayout.LP64 ? "64-bit" : "32-bit";
        return new LayoutChoice(Optional.of(p), p.label() + ", this " + bits + " JVM's C default ("
                + (said.isEmpty() ? "no ntpd, chronyd or gpsd program found at " + String.join(", ", names(daemons))
                : "no daemon program told its time_t: " + String.join("; ", said)) + ")"
                + (p == ShmLayout.LP64 ? "" : "; daemons built with 64-bit time_t (Debian 13, Ubuntu 24.04 armhf) need"
                + " layout LP64"));
    }

    private static List<String> names(List<Path> paths) {
        List<String> out = new ArrayList<>();
        for (Path p : paths) {
            out.add(p.toString());
        }
        return out;
    }

    /** The layout for a new segment, or empty when the evidence conflicts (see {@link #evidence()}). */
    public Optional<ShmLayout> layout() {
        return layout;
    }

    /** What decided it, in a sentence for people: which programs said what, or why the platform's default. */
    public String evidence() {
        return evidence;
    }

    @Override
    public String toString() {
        return "LayoutChoice[" + evidence + "]";
    }
}
