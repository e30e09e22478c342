/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.internal.Texts;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The conformance suite's errors in values: bad arguments and times no reader can represent are refused before a
 * byte is written; hostile fields, saturating offsets and an odd count left by a dead writer are read safely.
 */
abstract class ValueConformance extends ReadConformance {

    @Test
    void badArgumentsFailBeforeAnythingIsWritten() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> segments.options(256, backend()))
                .getMessage().contains("0..255"));
        assertThrows(IllegalArgumentException.class, () -> segments.options(-1, backend()));
        assertThrows(IllegalArgumentException.class, () -> io.github.ntpdshm.api.ShmOptions.builder(1)
                .keyBase(Integer.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> io.github.ntpdshm.api.ShmOptions.builder(1).keyBase(0));
        try (NtpdShm shm = open(16, ShmLayout.ILP32)) {
            shm.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            int count = shm.getCount();
            String msg = assertThrows(IllegalArgumentException.class, () -> shm.update(Double.NaN)).getMessage();
            assertTrue(msg.contains("NaN"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.update(Double.POSITIVE_INFINITY));
            assertThrows(IllegalArgumentException.class, () -> shm.update(-1.0));
            assertThrows(IllegalArgumentException.class, () -> shm.update(T0, Double.NaN, -20));
            assertThrows(IllegalArgumentException.class, () -> shm.update(Instant.ofEpochSecond(-5)));
            msg = assertThrows(IllegalArgumentException.class,
                    () -> shm.update(Instant.ofEpochSecond(1L << 31), Instant.ofEpochSecond(T0))).getMessage();
            assertTrue(msg.contains("time_t") && msg.contains("ILP32"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.setClockTimeStampSec(1L << 32));
            assertThrows(IllegalArgumentException.class, () -> shm.setClockTimeStampNSec(-1));
            assertThrows(IllegalArgumentException.class, () -> shm.update(T0, 1_000_000_000, T0, 0));
            msg = assertThrows(IllegalArgumentException.class, () -> shm.setLeap(4)).getMessage();
            assertTrue(msg.contains("0..3"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.setPrecision(NtpdShm.MIN_PRECISION - 1));
            assertThrows(IllegalArgumentException.class, () -> shm.setPrecision(NtpdShm.MAX_PRECISION + 1));
            assertThrows(IllegalArgumentException.class, () -> shm.update(T0, T0, 5));
            assertEquals(count, shm.getCount(), "nothing was written");
            assertEquals(0, shm.getLeap());
            assertEquals(NtpdShm.DEFAULT_PRECISION, shm.getPrecision());
        }
    }

    @Test
    void timesNoReaderCanRepresentAreRejectedAtUpdateNamingTheSeconds() {
        try (NtpdShm shm = open(31, ShmLayout.LP64)) {
            shm.update(Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0));
            int count = shm.getCount();
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> shm.update(Long.MAX_VALUE, 0, 1_700_000_000L, 0)).getMessage();
            assertTrue(msg.contains(Long.toString(Long.MAX_VALUE)) && msg.contains("Instant"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.update(9.2e18, 1.7e9, -20));
            assertThrows(IllegalArgumentException.class,
                    () -> shm.update(Instant.MAX.getEpochSecond() + 1, 0, T0, 0));
            msg = assertThrows(IllegalArgumentException.class, () -> shm.update(1e300)).getMessage();
            assertTrue(msg.contains("1.0E300") && !msg.contains("nanoseconds"), msg);
            assertThrows(IllegalArgumentException.class, () -> shm.setClockTimeStamp(1e300));
            assertEquals(count, shm.getCount(), "nothing was written");
            shm.update(Instant.MAX.getEpochSecond(), 0, T0, 0);  // the last representable second is fine
            assertTrue(shm.peek().sample().get().timeStampsInRange());
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void aHostileSegmentIsReadWithoutThrowingAndSaysWhatIsOutOfRange(ShmLayout layout) {
        boolean t64 = layout.timeTSize() == 8;
        String huge = t64 ? Long.toString(Long.MAX_VALUE) : Integer.toString(Integer.MAX_VALUE);
        String tiny = t64 ? Long.toString(Long.MIN_VALUE) : Integer.toString(Integer.MIN_VALUE);
        CPeer.of(layout).call("write", segments.hexKey(32), "mode=1", "count=4", "clockTimeStampSec=" + huge,
                "clockTimeStampNSec=4294967295", "receiveTimeStampSec=" + tiny, "receiveTimeStampUSec=-5", "valid=1");
        try (NtpdShm shm = NtpdShm.open(segments.options(32, backend()).readOnly(true).build())) {
            ShmRead r = shm.peek();
            assertEquals(ShmRead.Status.OK, r.status());
            ShmSample s = r.sample().get();
            assertEquals(!t64, s.timeStampsInRange());
            // 32-bit time_t: 2^32 - 1 s apart still fits; 64-bit: saturates with the right sign, never wraps
            long expected = t64 ? Long.MAX_VALUE : 4_294_967_295_000_005_000L;
            assertEquals(expected, s.offsetNanos());
            String text = s.toString() + r;
            if (t64) {
                assertTrue(text.contains("out of range"), text);
            }
            ShmSample.Mutable into = new ShmSample.Mutable();
            assertEquals(ShmRead.Status.OK, shm.peek(into));
            assertEquals(expected, into.offsetNanos());
            assertEquals(text, into.toString() + r);
        }
    }

    @Test
    void offsetsSaturateWithTheRightSign() {
        long y2264 = 9_300_000_000L;
        assertEquals(Long.MAX_VALUE, sample(y2264, 0, 0, 0).offsetNanos(), "clock 2264, receive 1970");
        assertEquals(Long.MIN_VALUE, sample(0, 0, y2264, 0).offsetNanos());
        assertEquals(Long.MIN_VALUE, sample(Long.MIN_VALUE, 0, Long.MAX_VALUE, 0).offsetNanos());
        assertEquals(Long.MAX_VALUE, sample(Long.MAX_VALUE, 0, Long.MIN_VALUE, 999_999_999).offsetNanos());
        assertEquals(9_223_372_036_854_775_807L, sample(9_223_372_036L, 854_775_807, 0, 0).offsetNanos(), "exact at the edge");
        assertEquals(-SECOND + 1, sample(T0, 1, T0 + 1, 0).offsetNanos());
        assertEquals("-9223372036.854775808", Texts.seconds(Long.MIN_VALUE));
        assertEquals("+9223372036.854775807", Texts.seconds(Long.MAX_VALUE));
        assertEquals("-0.000000001", Texts.seconds(-1));
        assertTrue(sample(y2264, 0, 0, 0).toString().contains("offset=(out of range)"));
    }

    private static ShmSample sample(long clockSec, long clockNSec, long receiveSec, long receiveNSec) {
        return new ShmSample(1, 2, clockSec, (int) (clockNSec / 1000), clockNSec, receiveSec,
                (int) (receiveNSec / 1000), receiveNSec, 0, -20, 0);
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void aWriterRealignsACountLeftOddByAWriterThatDiedMidSample(ShmLayout layout) {
        CPeer.of(layout).call("write", segments.hexKey(33), "mode=1", "count=7", "valid=1",
                "clockTimeStampSec=" + T0, "receiveTimeStampSec=" + T0);
        try (NtpdShm shm = NtpdShm.open(segments.options(33, backend()).attachOnly().build())) {
            assertEquals(ShmRead.Status.OK, shm.peek().status(), "an odd count that stays put is no clash");
            shm.update(Instant.ofEpochSecond(T0 + 1), Instant.ofEpochSecond(T0 + 1));
            assertEquals(10, shm.getCount(), "7 realigned to 8, then the sample's two increments");
            shm.update(Instant.ofEpochSecond(T0 + 2), Instant.ofEpochSecond(T0 + 2));
            assertEquals(12, shm.getCount());
            assertEquals(0, shm.otherWriterUpdates());
        }
    }
}
