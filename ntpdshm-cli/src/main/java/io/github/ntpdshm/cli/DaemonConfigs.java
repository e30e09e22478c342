package io.github.ntpdshm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which SHM units the local ntpd/NTPsec and chrony read, and with which options, from their configuration files.
 * Only what doctor's rules need: the unit numbers, chrony's {@code poll} and {@code perm}, ntpd's {@code flag1}.
 */
final class DaemonConfigs {

    /** Where the daemons look by default, in order. */
    static final List<Path> NTP_DEFAULTS = List.of(Paths.get("/etc/ntpsec/ntp.conf"), Paths.get("/etc/ntp.conf"));
    static final List<Path> CHRONY_DEFAULTS = List.of(Paths.get("/etc/chrony/chrony.conf"), Paths.get("/etc/chrony.conf"));

    /** chrony's default {@code poll} for a refclock: 16 s, so samples up to 2^5 = 32 s old. */
    static final int CHRONY_DEFAULT_POLL = 4;

    private DaemonConfigs() {
    }

    /** One unit as a daemon's configuration declares it. */
    static final class Unit {
        /** chrony's poll (log2 s); ntpd: unused. */
        final int poll;
        /** ntpd's {@code fudge ... flag1 1}: NTPsec then checks the 4 h clock/receive difference. */
        final boolean flag1;
        /** chrony's {@code :perm=0NNN}, or null. */
        final Integer perm;
        /** file:line, for messages. */
        final String where;

        Unit(int poll, boolean flag1, Integer perm, String where) {
            this.poll = poll;
            this.flag1 = flag1;
            this.perm = perm;
            this.where = where;
        }
    }

    /** A daemon's configuration: the files read and the SHM units they declare. */
    static final class Config {
        final String daemon;
        /** The main file, or null when none was found (then doctor assumes the defaults). */
        final Path file;
        final List<Path> files = new ArrayList<>();
        final Map<Integer, Unit> units = new TreeMap<>();

        Config(String daemon, Path file) {
            this.daemon = daemon;
            this.file = file;
        }

        boolean found() {
            return file != null;
        }

        /** NTPsec installs under /etc/ntpsec; classic ntpd reads /etc/ntp.conf. */
        boolean isNtpsec() {
            return file != null && file.toString().contains("ntpsec");
        }

        Optional<Unit> unit(int unit) {
            return Optional.ofNullable(units.get(unit));
        }
    }

    /**
     * ntpd's configuration: {@code path} (or "none"), else the first default that exists. Reads
     * {@code server 127.127.28.N}, {@code fudge 127.127.28.N ... flag1 1}, NTPsec's {@code refclock shm unit N}
     * and {@code includefile}.
     */
    static Config ntpd(String path) {
        Path file = pick(path, NTP_DEFAULTS);
        Config c = new Config("ntpd", file);
        if (file != null) {
            readNtp(c, file, 0);
        }
        return c;
    }

    /** chrony's configuration: {@code path} (or "none"), else the default; with {@code include} and {@code confdir}. */
    static Config chrony(String path) {
        Path file = pick(path, CHRONY_DEFAULTS);
        Config c = new Config("chrony", file);
        if (file != null) {
            readChrony(c, file, 0);
            // Debian's chrony.conf has `confdir /etc/chrony/conf.d`; read it also when the line is missing
            Path confd = file.resolveSibling("conf.d");
            if (!c.files.contains(confd) && Files.isDirectory(confd)) {
                for (Path p : glob(confd, "*.conf")) {
                    readChrony(c, p, 1);
                }
            }
        }
        return c;
    }

    private static Path pick(String path, List<Path> defaults) {
        if (path != null) {
            if (path.equals("none")) {
                return null;
            }
            Path p = Paths.get(path);
            if (!Files.isReadable(p)) {
                throw new CliException("cannot read the configuration " + p + ": give a readable file, or none to assume"
                        + " the daemon's defaults");
            }
            return p;
        }
        for (Path p : defaults) {
            if (Files.isReadable(p)) {
                return p;
            }
        }
        return null;
    }

    private static List<String[]> lines(Config c, Path file) {
        List<String[]> out = new ArrayList<>();
        c.files.add(file);
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < all.size(); i++) {
                String l = all.get(i);
                int hash = l.indexOf('#');
                if (hash >= 0) {
                    l = l.substring(0, hash);
                }
                l = l.trim();
                if (!l.isEmpty()) {
                    String[] words = l.split("\\s+");
                    String[] withWhere = new String[words.length + 1];
                    withWhere[0] = file + ":" + (i + 1);
                    System.arraycopy(words, 0, withWhere, 1, words.length);
                    out.add(withWhere);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable include: what was read still counts
        }
        return out;
    }

    private static final String SHM_ADDRESS = "127.127.28.";

    private static void readNtp(Config c, Path file, int depth) {
        Map<Integer, Boolean> flag1 = new TreeMap<>();
        for (String[] w : lines(c, file)) {
            String kw = w.length > 1 ? w[1].toLowerCase(Locale.ROOT) : "";
            if ((kw.equals("server") || kw.equals("peer") || kw.equals("pool")) && w.length > 2
                    && w[2].startsWith(SHM_ADDRESS)) {
                unitNumber(w[2].substring(SHM_ADDRESS.length()))
                        .ifPresent(u -> c.units.put(u, new Unit(0, false, null, w[0])));
            } else if (kw.equals("refclock") && w.length > 2 && w[2].equalsIgnoreCase("shm")) {
                int unit = 0;
                boolean f1 = false;
                for (int i = 3; i + 1 < w.length; i++) {
                    if (w[i].equalsIgnoreCase("unit")) {
                        unit = unitNumber(w[i + 1]).orElse(-1);
                    } else if (w[i].equalsIgnoreCase("flag1")) {
                        f1 = w[i + 1].equals("1");
                    }
                }
                if (unit >= 0) {
                    c.units.put(unit, new Unit(0, f1, null, w[0]));
                }
            } else if (kw.equals("fudge") && w.length > 2 && w[2].startsWith(SHM_ADDRESS)) {
                int unit = unitNumber(w[2].substring(SHM_ADDRESS.length())).orElse(-1);
                for (int i = 3; i + 1 < w.length; i++) {
                    if (w[i].equalsIgnoreCase("flag1")) {
                        flag1.put(unit, w[i + 1].equals("1"));
                    }
                }
            } else if (kw.equals("includefile") && w.length > 2 && depth < 5) {
                readNtp(c, file.resolveSibling(w[2]), depth + 1);
            }
        }
        for (Map.Entry<Integer, Boolean> f : flag1.entrySet()) {
            Unit u = c.units.get(f.getKey());
            if (u != null) {
                c.units.put(f.getKey(), new Unit(u.poll, f.getValue(), u.perm, u.where));
            }
        }
    }

    private static void readChrony(Config c, Path file, int depth) {
        for (String[] w : lines(c, file)) {
            String kw = w.length > 1 ? w[1].toLowerCase(Locale.ROOT) : "";
            if (kw.equals("refclock") && w.length > 3 && w[2].equalsIgnoreCase("shm")) {
                String[] param = w[3].split(":");
                Optional<Integer> unit = unitNumber(param[0]);
                Integer perm = null;
                for (int i = 1; i < param.length; i++) {
                    if (param[i].startsWith("perm=")) {
                        try {
                            perm = Integer.parseInt(param[i].substring(5), 8);
                        } catch (NumberFormatException e) {
                            // chrony refuses it too
                        }
                    }
                }
                int poll = CHRONY_DEFAULT_POLL;
                for (int i = 4; i + 1 < w.length; i++) {
                    if (w[i].equalsIgnoreCase("poll")) {
                        try {
                            poll = Integer.parseInt(w[i + 1]);
                        } catch (NumberFormatException e) {
                            // chrony refuses it too
                        }
                    }
                }
                Integer p = perm;
                int pl = poll;
                unit.ifPresent(u -> c.units.put(u, new Unit(pl, false, p, w[0])));
            } else if ((kw.equals("include") || kw.equals("confdir")) && w.length > 2 && depth < 5) {
                for (int i = 2; i < w.length; i++) {
                    Path p = Paths.get(w[i]);
                    if (kw.equals("confdir")) {
                        c.files.add(p);
                        for (Path f : glob(p, "*.conf")) {
                            readChrony(c, f, depth + 1);
                        }
                    } else if (p.getFileName() != null && p.getFileName().toString().contains("*")) {
                        for (Path f : glob(p.getParent(), p.getFileName().toString())) {
                            readChrony(c, f, depth + 1);
                        }
                    } else {
                        readChrony(c, p, depth + 1);
                    }
                }
            }
        }
    }

    private static List<Path> glob(Path dir, String pattern) {
        List<Path> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, pattern)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            // unreadable: nothing from it
        }
        out.sort(null);
        return out;
    }

    private static Optional<Integer> unitNumber(String text) {
        try {
            int u = Integer.parseInt(text.trim());
            return u >= 0 && u <= 255 ? Optional.of(u) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
