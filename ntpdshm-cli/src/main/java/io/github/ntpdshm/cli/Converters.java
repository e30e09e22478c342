package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.api.ShmOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Option parsers; a bad value is a usage error (exit code 2) with a message saying what is accepted. */
final class Converters {

    private static final Pattern DURATION = Pattern.compile("([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))\\s*(ns|us|ms|s|m|min)?");

    private Converters() {
    }

    /** Signed seconds, or a number with ns/us/ms/s/m, to nanoseconds. */
    static long nanos(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a duration: give seconds (0.5, -1.0) or a number"
                    + " with a unit (10ms, 250us, 2s, 1m)");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        long scale;
        switch (unit) {
            case "ns": scale = 1L; break;
            case "us": scale = 1_000L; break;
            case "ms": scale = 1_000_000L; break;
            case "m":
            case "min": scale = 60_000_000_000L; break;
            default: scale = 1_000_000_000L;
        }
        try {
            return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(scale)).setScale(0, java.math.RoundingMode.HALF_EVEN)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new TypeConversionException("'" + text + "' is too large");
        }
    }

    /** A signed duration (an offset) in nanoseconds. */
    static final class SignedDuration implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return nanos(value);
        }
    }

    /** A positive duration in nanoseconds. */
    static final class Duration implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long n = nanos(value);
            if (n <= 0) {
                throw new TypeConversionException("'" + value + "' must be more than zero (e.g. 1s, 10ms, 0.5)");
            }
            return n;
        }
    }

    /** A duration of zero or more, in nanoseconds. */
    static final class NonNegativeDuration implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long n = nanos(value);
            if (n < 0) {
                throw new TypeConversionException("'" + value + "' must not be negative (e.g. 0, 2s, 500ms)");
            }
            return n;
        }
    }

    /** Where to listen: {@code HOST:PORT}, {@code [::1]:PORT} or {@code :PORT} (every address). */
    static final class HostPort {
        /** null: every address. */
        final String host;
        final int port;

        HostPort(String host, int port) {
            this.host = host;
            this.port = port;
        }

        String display() {
            return host == null ? "0.0.0.0" : host.contains(":") ? "[" + host + "]" : host;
        }

        @Override
        public String toString() {
            return (host == null ? "" : display()) + ":" + port;
        }
    }

    /** {@code HOST:PORT}; port 0 picks a free one. */
    static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            String v = value.trim();
            int colon = v.lastIndexOf(':');
            if (colon < 0) {
                throw new TypeConversionException("'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:9817 or :9817)");
            }
            String host = v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(v.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new TypeConversionException("'" + value + "': the port must be 0..65535 (e.g. 127.0.0.1:9817)");
            }
            return new HostPort(host.isEmpty() ? null : host, port);
        }
    }

    /** A key base: {@code 0x4e545030} or decimal. */
    static final class KeyBase implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            long k;
            try {
                k = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a key base: give it in hex (0x4e545030) or decimal");
            }
            long max = Integer.MAX_VALUE - ShmOptions.MAX_UNIT;
            if (k < 1 || k > max) {
                throw new TypeConversionException("key base '" + value + "' is out of range 0x1..0x" + Long.toHexString(max)
                        + " (ntpd's is 0x4e545030)");
            }
            return (int) k;
        }
    }

    /** A unit, 0..255. */
    static final class Unit implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int u;
            try {
                u = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a unit number (0.." + ShmOptions.MAX_UNIT + ")");
            }
            if (u < 0 || u > ShmOptions.MAX_UNIT) {
                throw new TypeConversionException("unit " + u + " is out of range 0.." + ShmOptions.MAX_UNIT);
            }
            return u;
        }
    }

    /** A set of units, ascending. */
    static final class UnitSet {
        final int[] units;

        UnitSet(int[] units) {
            this.units = units;
        }

        @Override
        public String toString() {
            return units(units);
        }
    }

    /** Units as {@code 0-7}, {@code 2}, {@code 0,2,4-6} or {@code all}. */
    static final class Units implements ITypeConverter<UnitSet> {
        @Override
        public UnitSet convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("all")) {
                v = "0-" + ShmOptions.MAX_UNIT;
            }
            BitSet set = new BitSet();
            Unit unit = new Unit();
            for (String part : v.split(",")) {
                int dash = part.indexOf('-');
                if (dash < 0) {
                    set.set(unit.convert(part));
                } else {
                    int from = unit.convert(part.substring(0, dash));
                    int to = unit.convert(part.substring(dash + 1));
                    if (from > to) {
                        throw new TypeConversionException("'" + part + "' is an empty range; write it low-high, e.g. 0-7");
                    }
                    set.set(from, to + 1);
                }
            }
            return new UnitSet(set.stream().toArray());
        }
    }

    /** Permission bits in octal: {@code 0600}, {@code 666}. */
    static final class Octal implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int p = Integer.parseInt(value.trim(), 8);
                if (p >= 0 && p <= 0777) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new TypeConversionException("'" + value + "' is not octal permission bits (0000..0777, e.g. 0600 or 0666)");
        }
    }

    /**
     * A backend name: one this project ships (even if it cannot work in this Java: using it then says why) or one
     * found on the class path. Anything else is a typo, so a usage error.
     */
    static final class Backend implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Set<String> names = new TreeSet<>(Arrays.asList("panama", "jna", "jnr"));
            for (ShmBackends.Candidate c : ShmBackends.candidates()) {
                if (c.isAvailable()) {
                    names.add(c.name());
                }
            }
            if (!names.contains(v)) {
                throw new TypeConversionException("'" + value + "' is not a backend: choose " + String.join(", ", names));
            }
            return v;
        }
    }

    /** A positive duration for people: {@code 1}, {@code 0.2}, {@code 0.001}. */
    static String plainSeconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    /** Comma-separated units for display: {@code 0-3,5}. */
    static String units(int[] units) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < units.length; i++) {
            int j = i;
            while (j + 1 < units.length && units[j + 1] == units[j] + 1) {
                j++;
            }
            b.append(b.length() == 0 ? "" : ",").append(units[i]);
            if (j > i) {
                b.append('-').append(units[j]);
            }
            i = j;
        }
        return b.toString();
    }
}
