/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSegment;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reliability group, which every backend module runs by extending this class (JUnit tag {@code reliability}):
 * torn reads across processes both ways, writers killed with SIGKILL at random moments, hostile segments, a fuzz
 * test against the C compiler's view of the struct, bad arguments, threads racing {@code close()}, another user.
 * Short in CI; {@code -Dntpdshm.soak=true} or {@code NTPDSHM_SOAK=1} makes it a soak. Its figures go to
 * {@code target/reliability-summary.txt}, one line per area.
 * Its tests are grouped in one package-private class per topic, each extending the one before: concurrency (torn
 * reads, threads), damage (killed writers, hostile segments), and here the fuzz, bad arguments and another user.
 */
@Tag("reliability")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ReliabilitySuite extends DamageReliability {

    private static final int FUZZ_CASES = Stress.size(20, 1000);

    // ---- fuzz: our view against the C compiler's ---------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void randomBytesReadAsTheCCompilerLaysThemOut(ShmLayout layout) {
        int unit = 80 + layout.ordinal();
        Random random = new Random(layout.ordinal() * 7919L + System.nanoTime());
        try (NtpdShm shm = open(unit, layout)) {
            for (int i = 0; i < FUZZ_CASES; i++) {
                long seed = random.nextInt(Integer.MAX_VALUE);
                StressPeer.of(layout).counts("fill", segments.hexKey(unit), Long.toString(seed));
                Map<String, String> c = CPeer.of(layout).fields("dump", segments.hexKey(unit));
                String why = "seed " + seed + " layout " + layout + ": " + c;
                assertEquals(c.get("mode"), Integer.toString(shm.getMode()), why);
                assertEquals(c.get("count"), Integer.toString(shm.getCount()), why);
                assertEquals(c.get("clockTimeStampSec"), Long.toString(shm.getClockTimeStampSec()), why);
                assertEquals(c.get("clockTimeStampUSec"), Integer.toString(shm.getClockTimeStampUSec()), why);
                assertEquals(c.get("clockTimeStampNSec"), Long.toString(shm.getClockTimeStampNSec()), why);
                assertEquals(c.get("receiveTimeStampSec"), Long.toString(shm.getReceiveTimeStampSec()), why);
                assertEquals(c.get("receiveTimeStampUSec"), Integer.toString(shm.getReceiveTimeStampUSec()), why);
                assertEquals(c.get("receiveTimeStampNSec"), Long.toString(shm.getReceiveTimeStampNSec()), why);
                assertEquals(c.get("leap"), Integer.toString(shm.getLeap()), why);
                assertEquals(c.get("precision"), Integer.toString(shm.getPrecision()), why);
                assertEquals(c.get("nsamples"), Integer.toString(shm.getNsamples()), why);
                assertEquals(!"0".equals(c.get("valid")), shm.isValid(), why);
                int mode = Integer.parseInt(c.get("mode"));
                ShmRead.Status expected = "0".equals(c.get("valid")) ? ShmRead.Status.NOT_VALID
                        : mode == 0 || mode == 1 ? ShmRead.Status.OK : ShmRead.Status.BAD_MODE;
                assertEquals(expected, readEverything(shm), why);
                summary.add("fuzz", "cases", 1);
            }
            for (int i = 0; i < FUZZ_CASES; i++) {
                writeRandomFieldsAndCompareWithC(shm, layout, random);
                summary.add("fuzz", "cases", 1);
            }
        }
    }

    private void writeRandomFieldsAndCompareWithC(NtpdShm shm, ShmLayout layout, Random random) {
        boolean t64 = layout.timeTSize() == 8;
        long cSec = t64 ? random.nextLong() : random.nextInt();
        long rSec = t64 ? random.nextLong() : random.nextInt();
        long cNSec = Integer.toUnsignedLong(random.nextInt());
        long rNSec = Integer.toUnsignedLong(random.nextInt());
        int[] ints = random.ints(7).toArray();
        shm.setMode(ints[0]);
        shm.setCount(ints[1]);
        shm.setClockTimeStampSec(cSec);
        shm.setClockTimeStampUSec(ints[2]);
        shm.setClockTimeStampNSec(cNSec);
        shm.setReceiveTimeStampSec(rSec);
        shm.setReceiveTimeStampUSec(ints[3]);
        shm.setReceiveTimeStampNSec(rNSec);
        shm.setNsamples(ints[4]);
        shm.setValid(ints[5] % 2 == 0);
        Map<String, String> c = CPeer.of(layout).fields("dump", segments.hexKey(shm.unit()));
        String why = layout + ": " + c;
        assertEquals(Integer.toString(ints[0]), c.get("mode"), why);
        assertEquals(Integer.toString(ints[1]), c.get("count"), why);
        assertEquals(Long.toString(cSec), c.get("clockTimeStampSec"), why);
        assertEquals(Integer.toString(ints[2]), c.get("clockTimeStampUSec"), why);
        assertEquals(Long.toString(cNSec), c.get("clockTimeStampNSec"), why);
        assertEquals(Long.toString(rSec), c.get("receiveTimeStampSec"), why);
        assertEquals(Integer.toString(ints[3]), c.get("receiveTimeStampUSec"), why);
        assertEquals(Long.toString(rNSec), c.get("receiveTimeStampNSec"), why);
        assertEquals(Integer.toString(ints[4]), c.get("nsamples"), why);
        assertEquals(ints[5] % 2 == 0 ? "1" : "0", c.get("valid"), why);
    }

    // ---- bad arguments leave every byte as it was ------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void badArgumentsLeaveEveryByteAsItWas(ShmLayout layout) {
        int unit = 90 + layout.ordinal();
        long maxSec = layout.maxSeconds();
        Map<String, Consumer<NtpdShm>> table = new LinkedHashMap<>();
        table.put("update(NaN)", s -> s.update(Double.NaN));
        table.put("update(-inf)", s -> s.update(Double.NEGATIVE_INFINITY));
        table.put("update(-1.0)", s -> s.update(-1.0));
        table.put("update(1e300)", s -> s.update(1e300));
        table.put("update(9.2e18, 1.7e9, -20)", s -> s.update(9.2e18, 1.7e9, -20));
        table.put("update(T0, NaN, -20)", s -> s.update(Stress.T0, Double.NaN, -20));
        table.put("update(T0, T0, 1)", s -> s.update(Stress.T0, Stress.T0, 1));
        table.put("update(T0, T0, -33)", s -> s.update(Stress.T0, Stress.T0, -33));
        table.put("update(Long.MAX, 0, T0, 0)", s -> s.update(Long.MAX_VALUE, 0, Stress.T0, 0));
        table.put("update(-1, 0, T0, 0)", s -> s.update(-1, 0, Stress.T0, 0));
        table.put("update(max+1, 0, T0, 0)", s -> s.update(maxSec == Long.MAX_VALUE ? Long.MAX_VALUE : maxSec + 1, 0,
                Stress.T0, 0));
        table.put("update(T0, 1e9, T0, 0)", s -> s.update(Stress.T0, 1_000_000_000, Stress.T0, 0));
        table.put("update(T0, -1, T0, 0)", s -> s.update(Stress.T0, -1, Stress.T0, 0));
        table.put("update(T0, 0, T0, Integer.MIN)", s -> s.update(Stress.T0, 0, Stress.T0, Integer.MIN_VALUE));
        table.put("update(Instant(-5))", s -> s.update(Instant.ofEpochSecond(-5)));
        table.put("update(Instant.MIN, Instant.MIN)", s -> s.update(Instant.MIN, Instant.MIN));
        table.put("setClockTimeStamp(NaN)", s -> s.setClockTimeStamp(Double.NaN));
        table.put("setReceiveTimeStamp(1e300)", s -> s.setReceiveTimeStamp(1e300));
        table.put("setClockTimeStampNSec(-1)", s -> s.setClockTimeStampNSec(-1));
        table.put("setReceiveTimeStampNSec(2^32)", s -> s.setReceiveTimeStampNSec(1L << 32));
        table.put("setLeap(4)", s -> s.setLeap(4));
        table.put("setLeap(-1)", s -> s.setLeap(-1));
        table.put("setPrecision(1)", s -> s.setPrecision(1));
        table.put("setPrecision(Integer.MIN)", s -> s.setPrecision(Integer.MIN_VALUE));
        if (layout.timeTSize() == 4) {
            table.put("setClockTimeStampSec(2^31)", s -> s.setClockTimeStampSec(1L << 31));
            table.put("setReceiveTimeStampSec(-2^31-1)", s -> s.setReceiveTimeStampSec(-(1L << 31) - 1));
        }
        try (NtpdShm shm = open(unit, layout)) {
            shm.setLeap(1);
            shm.setPrecision(-17);
            Stress.publish(shm, 42);
            shm.setNsamples(3);
            for (Map.Entry<String, Consumer<NtpdShm>> bad : table.entrySet()) {
                Map<String, String> before = CPeer.of(layout).fields("dump", segments.hexKey(unit));
                assertThrows(IllegalArgumentException.class, () -> bad.getValue().accept(shm), bad.getKey());
                assertEquals(before, CPeer.of(layout).fields("dump", segments.hexKey(unit)), bad.getKey());
                summary.add("bad_args", "cases", 1);
            }
            Stress.publish(shm, 43);
            assertEquals(1, shm.getLeap(), "the handle's leap survived the bad calls");
            assertEquals(-17, shm.getPrecision(), "the handle's precision survived the bad calls");
        }
        assertThrows(IllegalArgumentException.class, () -> ShmOptions.builder(1).keyBase(Integer.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> ShmOptions.builder(256));
        assertThrows(IllegalArgumentException.class, () -> ShmOptions.builder(1).permissions(01000));
        summary.add("bad_args", "cases", 3);
    }

    // ---- another user --------------------------------------------------------------------------------------

    @Test
    void nobodyChangesNothingOnRootsUnits() throws Exception {
        assumeTrue(OtherUser.available(), "needs root and setpriv to run a JVM as nobody");
        int unit = 95;
        try (NtpdShm shm = NtpdShm.open(segments.options(unit, backend()).layout(ShmLayout.LP64).permissions(0644)
                .build())) {
            Stress.publish(shm, 7);
            Map<String, String> before = CPeer.of(ShmLayout.LP64).fields("dump", segments.hexKey(unit));
            String out = OtherUser.runAsNobody(NobodyAttempts.class.getName(), Arrays.asList(backend(),
                    Integer.toHexString(segments.keyBase()), Integer.toString(unit)), 120);
            assertTrue(out.contains("open-rw: NtpdShmException EACCES"), out);
            assertTrue(out.contains("remove: NtpdShmException EPERM"), out);
            assertTrue(out.contains("peek: OK done"), out);
            assertTrue(out.contains("remove-ro: IllegalStateException"), out);
            assertTrue(out.contains("consume-ro: IllegalStateException"), out);
            ShmSegment s = shm.segment();
            assertEquals(0644, s.permissions(), "permissions unchanged");
            assertEquals(0, s.uid());
            assertFalse(s.isMarkedForRemoval());
            assertEquals(before, CPeer.of(ShmLayout.LP64).fields("dump", segments.hexKey(unit)), "bytes unchanged");
            summary.add("nobody", "cases", 5);
        }
    }
}
