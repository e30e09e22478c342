/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.internal.Texts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
        return (nanos < 0 ? "-" : "") + Texts.magnitude(nanos);
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
        return Texts.hex(key);
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

    /** The version of every JSON document the tool prints, as {@code "format"}: raised when a field changes meaning. */
    static final int JSON_FORMAT = 1;

    private static final Map<Integer, Optional<String>> USERS = new ConcurrentHashMap<>();

    /**
     * The user name of a uid as the C library resolves it (NSS: files, LDAP, SSSD, systemd), or null. Asks
     * {@code getent passwd UID} rather than reading /etc/passwd, which lists local users only; the JDK has no
     * such lookup and the backends bind only the shared-memory calls. Each uid is asked once per run.
     */
    static String userName(int uid) {
        return USERS.computeIfAbsent(uid, Fmt::getent).orElse(null);
    }

    private static Optional<String> getent(int uid) {
        try {
            Process p = new ProcessBuilder("getent", "passwd", Integer.toUnsignedString(uid))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String line;
            try (InputStream in = p.getInputStream()) {
                line = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            int colon = line.indexOf(':');
            // exit 2: no such uid; anything else without a line: no getent (a minimal container)
            return p.exitValue() == 0 && colon > 0 ? Optional.of(line.substring(0, colon)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** {@code root} or the uid when the name is unknown. */
    static String owner(int uid) {
        String name = userName(uid);
        return name == null ? Integer.toString(uid) : name;
    }
}
