/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.internal.Texts;
import io.github.ntpdshm.internal.Errno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The API's values and choices, without a backend (this module has none on its class path). */
class ApiTest {

    @Test
    void optionsDefaultToNtpd() {
        ShmOptions o = ShmOptions.of(2);
        assertEquals(0x4E545032, o.key());
        assertEquals(0666, o.permissions());
        assertEquals(0600, ShmOptions.of(0).permissions());
        assertEquals(0600, ShmOptions.of(1).permissions());
        assertTrue(o.create());
        assertFalse(o.readOnly());
        assertEquals(Optional.empty(), o.layout());
        assertEquals(Optional.empty(), o.backend());
        assertTrue(o.toString().contains("key=0x4e545032"), o.toString());
    }

    @Test
    void readOnlyNeverCreates() {
        assertFalse(ShmOptions.builder(2).readOnly(true).build().create());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShmOptions.builder(2).readOnly(true).create(true).build());
        assertTrue(e.getMessage().contains("unit 2"), e.getMessage());
    }

    @Test
    void badOptionsSayTheValueAndTheRange() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShmOptions.builder(256)).getMessage()
                .contains("unit 256 is out of range: units are 0..255"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShmOptions.builder(0).permissions(01000))
                .getMessage().contains("0..0777"));
        assertThrows(IllegalArgumentException.class, () -> ShmOptions.builder(0).keyBase(0));
        assertThrows(IllegalArgumentException.class, () -> ShmOptions.builder(255).keyBase(Integer.MAX_VALUE));
        ShmOptions copy = ShmOptions.builder(7).keyBase(0x1000).layout(ShmLayout.ILP32).permissions(0640).build()
                .toBuilder().build();
        assertEquals(0x1007, copy.key());
        assertEquals(Optional.of(ShmLayout.ILP32), copy.layout());
        assertEquals(0640, copy.permissions());
    }

    @Test
    void layoutsBySize() {
        assertEquals(Optional.of(ShmLayout.LP64), ShmLayout.ofSize(96));
        assertEquals(Optional.of(ShmLayout.ILP32), ShmLayout.ofSize(80));
        assertEquals(Optional.of(ShmLayout.ILP32_TIME64), ShmLayout.ofSize(88));
        assertEquals(Optional.empty(), ShmLayout.ofSize(100));
        assertEquals(Integer.MAX_VALUE, ShmLayout.ILP32.maxSeconds());
        assertEquals("ILP32 (80 bytes, 32-bit time_t)", ShmLayout.ILP32.label());
    }

    @Test
    void samplesUseNanosecondsOnlyWhenBothAgreeWithMicroseconds() {
        ShmSample ns = new ShmSample(1, 4, 100, 123_456, 123_456_789, 101, 0, 999, 0, -20, 3);
        assertTrue(ns.hasNanoseconds());
        assertEquals(Instant.ofEpochSecond(100, 123_456_789), ns.clockTimeStamp());
        assertEquals(-1_000_000_000L + 123_456_789 - 999, ns.offsetNanos());
        ShmSample us = new ShmSample(1, 4, 100, 123_456, 0, 101, 0, 0, 0, -20, 3);
        assertFalse(us.hasNanoseconds());
        assertEquals(Instant.ofEpochSecond(100, 123_456_000), us.clockTimeStamp());
        assertTrue(us.toString().contains("microseconds only"), us.toString());
        assertEquals("-1.000000000", Texts.seconds(-1_000_000_000L));
        assertEquals("+0.000123456", Texts.seconds(123_456));
        assertEquals("-9223372036.854775808", Texts.seconds(Long.MIN_VALUE), "Math.abs would stay negative");
    }

    @Test
    void segmentsParseTheKernelsTable() {
        ShmSegment s = ShmSegment.parse("1314148402          3  1666                    96  6027  9061      2     0"
                + "     0     0     0 1795482561 1795482558 1795482470                  4096                     0");
        assertEquals(0x4E545032, s.key());
        assertEquals(3, s.shmid());
        assertEquals(0666, s.permissions());
        assertTrue(s.isMarkedForRemoval());
        assertEquals(96, s.size());
        assertEquals(Optional.of(ShmLayout.LP64), s.layout());
        assertEquals(6027, s.creatorPid());
        assertEquals(2, s.attachCount());
        assertEquals(Instant.ofEpochSecond(1795482561), s.lastAttach().get());
    }

    @Test
    void withoutABackendTheErrorSaysWhichArtifactToAdd() {
        NtpdShmException e = assertThrows(NtpdShmException.class, () -> ShmBackends.select(null));
        assertTrue(e.getMessage().contains("no usable ntpdshm backend") && e.getMessage().contains("ntpdshm-jna"),
                e.getMessage());
        e = assertThrows(NtpdShmException.class, () -> ShmBackends.select("jnr"));
        assertTrue(e.getMessage().contains("'jnr' asked for is not on the class path"), e.getMessage());
        assertEquals("backend", e.operation());
    }

    @Test
    void errnoNamesAndTexts() {
        assertEquals("EACCES", Errno.name(13));
        assertEquals("Invalid argument", Errno.text(22));
        assertEquals("errno 99", Errno.name(99));
        assertEquals("0x4e545030", Texts.hex(ShmOptions.DEFAULT_KEY_BASE));
    }
}
