package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmSample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formatting shared by the subcommands: fixed-width ISO times, seconds with nine decimals, JSON by hand. */
final class Fmt {

    // Always nine fraction digits: lines stay aligned and a reader sees the nanoseconds the writer gave.
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Fmt() {
    }

    static String iso(Instant t) {
        return ISO.format(t);
    }

    /** A time stamp from raw fields; a garbage seconds value (a segment of some other protocol) does not throw. */
    static String iso(long sec, long nanos) {
        try {
            return ISO.format(Instant.ofEpochSecond(sec, nanos));
        } catch (DateTimeException | ArithmeticException e) {
            return "(out of range: " + sec + " s)";
        }
    }

    /** Signed seconds with nine decimals and no plus sign, valid as a JSON number: {@code -1.000000000}. */
    static String seconds(long nanos) {
        return (nanos < 0 ? "-" : "") + ShmSample.formatMagnitude(nanos);
    }

    /** Seconds for people: {@code +0.500000000 s}, {@code -1.000000000 s}. */
    static String offset(long nanos) {
        return (nanos < 0 ? "" : "+") + seconds(nanos) + " s";
    }

    /** An age with millisecond resolution: {@code 0.412 s}; future times are negative. */
    static String age(long nanos) {
        long ms = Math.floorDiv(nanos, 1_000_000L);
        return (ms < 0 ? "-" : "") + Math.abs(ms) / 1000 + "." + String.format("%03d", Math.abs(ms) % 1000) + " s";
    }

    static String hex(int key) {
        return NtpdShmException.hex(key);
    }

    static String octal(int permissions) {
        return String.format("%04o", permissions);
    }

    /** A JSON string literal. */
    static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    /** The user name of a uid from /etc/passwd, or null. */
    static String userName(int uid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/etc/passwd"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
                    return f[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // no passwd file (a container): the uid alone is still right
        }
        return null;
    }

    /** {@code root} or the uid when the name is unknown. */
    static String owner(int uid) {
        String name = userName(uid);
        return name == null ? Integer.toString(uid) : name;
    }
}
