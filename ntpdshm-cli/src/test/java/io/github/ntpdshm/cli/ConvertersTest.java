/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConvertersTest {

    @Test
    void durations() {
        assertEquals(1_000_000_000L, Converters.nanos("1s"));
        assertEquals(10_000_000L, Converters.nanos("10ms"));
        assertEquals(500_000_000L, Converters.nanos("0.5"));
        assertEquals(-1_000_000_000L, Converters.nanos("-1.0"));
        assertEquals(-123_456L, Converters.nanos("-0.000123456"));
        assertEquals(250_000L, Converters.nanos("250us"));
        assertEquals(120_000_000_000L, Converters.nanos("2m"));
        assertThrows(TypeConversionException.class, () -> Converters.nanos("fast"));
        assertThrows(TypeConversionException.class, () -> new Converters.Duration().convert("0"));
        assertThrows(TypeConversionException.class, () -> new Converters.Duration().convert("-1s"));
    }

    @Test
    void keyBases() {
        assertEquals(0x4e545030, (int) new Converters.KeyBase().convert("0x4E545030"));
        assertEquals(1314148400, (int) new Converters.KeyBase().convert("1314148400"));
        assertThrows(TypeConversionException.class, () -> new Converters.KeyBase().convert("0"));
        assertThrows(TypeConversionException.class, () -> new Converters.KeyBase().convert("0x7fffffff"));
        assertThrows(TypeConversionException.class, () -> new Converters.KeyBase().convert("NTP0"));
    }

    @Test
    void units() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, new Converters.Units().convert("0-7").units);
        assertArrayEquals(new int[] {0, 2, 4, 5, 6}, new Converters.Units().convert("6,0,2,4-5").units);
        assertEquals(256, new Converters.Units().convert("all").units.length);
        assertEquals("0-2,5,7-8", Converters.units(new int[] {0, 1, 2, 5, 7, 8}));
        assertThrows(TypeConversionException.class, () -> new Converters.Units().convert("7-3"));
        assertThrows(TypeConversionException.class, () -> new Converters.Units().convert("256"));
    }

    @Test
    void formats() {
        assertEquals("-1.000000000", Fmt.seconds(-1_000_000_000L));
        assertEquals("0.000123456", Fmt.seconds(123_456L));
        assertEquals("+0.500000000 s", Fmt.offset(500_000_000L));
        assertEquals("2026-01-02T03:04:05.000000000Z", Fmt.iso(java.time.Instant.parse("2026-01-02T03:04:05Z")));
        assertEquals("\"a\\\"b\\n\"", Fmt.json("a\"b\n"));
        assertEquals("0600", Fmt.octal(0600));
    }
}
