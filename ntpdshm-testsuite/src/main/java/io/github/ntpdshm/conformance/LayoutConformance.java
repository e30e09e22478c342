/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.LayoutChoice;
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.internal.Errno;
import io.github.ntpdshm.spi.ShmBackend;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The conformance suite's first topic, the layout and its offsets against the C compiler, and what every topic
 * shares: the backend under test, the segments of one test, and the check after each test that none was left.
 * A backend's test extends {@link ConformanceSuite}, which inherits the tests of every topic.
 */
abstract class LayoutConformance {

    static final long SECOND = 1_000_000_000L;
    static final long T0 = 1_795_000_000L;  // 2026-11-18, inside every layout's time_t

    /** The segments of one test; removed after it, pass or fail. */
    protected final TestSegments segments = new TestSegments();

    /** {@return the name of the backend under test, as its {@code ShmBackend.name()} gives it: {@code panama}, {@code jna}, {@code jnr}, or a third-party backend's} */
    protected abstract String backend();

    /**
     * Opens a unit under the private key base with this backend.
     *
     * @param unit   the unit, 0..255
     * @param layout the layout of the segment
     * @return the open handle; the test closes it
     */
    protected NtpdShm open(int unit, ShmLayout layout) {
        return NtpdShm.open(segments.options(unit, backend()).layout(layout).build());
    }

    @AfterEach
    void removeSegmentsAndCheckNoneWasLeftAttached() {
        List<ShmSegment> attached = segments.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test (a handle was not closed): " + attached);
        assertTrue(segments.present().isEmpty(), "segments left behind: " + segments.present());
    }

    // ---- layout and offsets -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void offsetsMatchTheCCompiler(ShmLayout layout) {
        Map<String, String> c = CPeer.of(layout).fields("offsets");
        assertEquals(layout.size(), Integer.parseInt(c.get("sizeof")), "sizeof");
        assertEquals(layout.timeTSize(), Integer.parseInt(c.get("timeTSize")), "sizeof(time_t)");
        assertEquals(ShmLayout.MODE, off(c, "mode"));
        assertEquals(ShmLayout.COUNT, off(c, "count"));
        assertEquals(layout.clockTimeStampSec(), off(c, "clockTimeStampSec"));
        assertEquals(layout.clockTimeStampUSec(), off(c, "clockTimeStampUSec"));
        assertEquals(layout.receiveTimeStampSec(), off(c, "receiveTimeStampSec"));
        assertEquals(layout.receiveTimeStampUSec(), off(c, "receiveTimeStampUSec"));
        assertEquals(layout.leap(), off(c, "leap"));
        assertEquals(layout.precision(), off(c, "precision"));
        assertEquals(layout.nsamples(), off(c, "nsamples"));
        assertEquals(layout.valid(), off(c, "valid"));
        assertEquals(layout.clockTimeStampNSec(), off(c, "clockTimeStampNSec"));
        assertEquals(layout.receiveTimeStampNSec(), off(c, "receiveTimeStampNSec"));
        assertEquals(layout.dummy(), off(c, "dummy"));
    }

    /**
     * Every ABI number the library relies on, against the C library of this JVM's own ABI: errno values (named in
     * messages), the IPC flags and commands (passed to the kernel), and the byte order the fields are stored in.
     * docs/platforms.md lists where each lives and on which architectures this ran.
     */
    @Test
    void abiNumbersMatchTheCLibrary() {
        // The LP64 toolchain is this JVM's own ABI on 64-bit JVMs and armhf with 64-bit time_t on 32-bit ARM.
        CPeer abi = CPeer.of("abi.c", ShmLayout.LP64);
        Map<String, String> c = abi.fields();
        Map<String, Integer> ours = new java.util.LinkedHashMap<>();
        ours.put("EPERM", Errno.EPERM);
        ours.put("ENOENT", Errno.ENOENT);
        ours.put("ENOMEM", Errno.ENOMEM);
        ours.put("EACCES", Errno.EACCES);
        ours.put("EFAULT", Errno.EFAULT);
        ours.put("EEXIST", Errno.EEXIST);
        ours.put("EINVAL", Errno.EINVAL);
        ours.put("ENFILE", Errno.ENFILE);
        ours.put("EMFILE", Errno.EMFILE);
        ours.put("ENOSPC", Errno.ENOSPC);
        ours.put("EIDRM", Errno.EIDRM);
        ours.put("IPC_CREAT", ShmBackend.IPC_CREAT);
        ours.put("IPC_EXCL", ShmBackend.IPC_EXCL);
        ours.put("IPC_RMID", ShmBackend.IPC_RMID);
        ours.put("IPC_STAT", ShmBackend.IPC_STAT);
        ours.put("SHM_RDONLY", ShmBackend.SHM_RDONLY);
        ours.put("bigEndian", java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN ? 1 : 0);
        for (Map.Entry<String, Integer> e : ours.entrySet()) {
            assertEquals(String.valueOf(e.getValue()), c.get(e.getKey()), e.getKey() + " in Java vs the C library ("
                    + abi.describe() + ")");
        }
    }

    /**
     * A new segment takes the layout of the local daemon, told by its program's headers: the case that matters is a
     * 32-bit ARM JVM whose daemons were built with a 64-bit time_t (Debian 13, Ubuntu 24.04), where the C default
     * (80 bytes) would make a segment the daemon cannot attach.
     */
    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void aNewSegmentTakesTheLayoutOfTheLocalDaemon(ShmLayout layout) {
        Path daemon = CPeer.dynamicProgram("daemonlike.c", layout);
        withDaemons(daemon.toString(), () -> {
            LayoutChoice c = LayoutChoice.forNewSegments();
            assertEquals(java.util.Optional.of(layout), c.layout(), c.evidence());
            assertTrue(c.evidence().contains(daemon.toString()), c.evidence());
            try (NtpdShm shm = NtpdShm.open(segments.options(29, backend()).build())) {
                assertEquals(layout, shm.layout());
                assertEquals(layout.size(), shm.segment().size());
            }
        });
    }

    @Test
    void daemonsThatDisagreeOnTheLayoutMakeCreatingWithoutOneAnError() {
        Path lp64 = CPeer.dynamicProgram("daemonlike.c", ShmLayout.LP64);
        Path ilp32 = CPeer.dynamicProgram("daemonlike.c", ShmLayout.ILP32);
        withDaemons(lp64 + java.io.File.pathSeparator + ilp32, () -> {
            assertFalse(LayoutChoice.forNewSegments().layout().isPresent());
            NtpdShmException e = assertThrows(NtpdShmException.class,
                    () -> NtpdShm.open(segments.options(30, backend()).build()));
            assertTrue(e.getMessage().contains("disagree") && e.getMessage().contains(ilp32.toString())
                    && e.getMessage().contains("layout"), e.getMessage());
            assertTrue(segments.present().isEmpty(), "nothing created: " + segments.present());
            try (NtpdShm shm = NtpdShm.open(segments.options(30, backend()).layout(ShmLayout.ILP32).build())) {
                assertEquals(80, shm.segment().size(), "an explicit layout still works");
            }
        });
    }

    private static void withDaemons(String daemons, Runnable body) {
        String before = System.getProperty(LayoutChoice.DAEMONS_PROPERTY);
        System.setProperty(LayoutChoice.DAEMONS_PROPERTY, daemons);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(LayoutChoice.DAEMONS_PROPERTY);
            } else {
                System.setProperty(LayoutChoice.DAEMONS_PROPERTY, before);
            }
        }
    }

    private static int off(Map<String, String> c, String field) {
        return Integer.parseInt(c.get(field));
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void everyFieldWrittenInJavaIsReadByCAtItsOffset(ShmLayout layout) {
        try (NtpdShm shm = open(3, layout)) {
            assertEquals(layout, shm.layout());
            assertEquals(layout.size(), shm.segment().size());
            shm.setMode(1);
            shm.setCount(-7);
            shm.setClockTimeStampSec(T0 + 1);
            shm.setClockTimeStampUSec(111_111);
            shm.setClockTimeStampNSec(3_000_000_000L);  // unsigned beyond Integer.MAX_VALUE
            shm.setReceiveTimeStampSec(T0 + 2);
            shm.setReceiveTimeStampUSec(222_222);
            shm.setReceiveTimeStampNSec(222_222_333L);
            shm.setLeap(2);
            shm.setPrecision(-17);
            shm.setNsamples(5);
            shm.setValid(true);
            Map<String, String> c = CPeer.of(layout).fields("dump", segments.hexKey(3));
            assertEquals("1", c.get("mode"));
            assertEquals("-7", c.get("count"));
            assertEquals(Long.toString(T0 + 1), c.get("clockTimeStampSec"));
            assertEquals("111111", c.get("clockTimeStampUSec"));
            assertEquals("3000000000", c.get("clockTimeStampNSec"));
            assertEquals(Long.toString(T0 + 2), c.get("receiveTimeStampSec"));
            assertEquals("222222", c.get("receiveTimeStampUSec"));
            assertEquals("222222333", c.get("receiveTimeStampNSec"));
            assertEquals("2", c.get("leap"));
            assertEquals("-17", c.get("precision"));
            assertEquals("5", c.get("nsamples"));
            assertEquals("1", c.get("valid"));
            for (int i = 0; i < ShmLayout.DUMMY_LENGTH; i++) {
                assertEquals("0", c.get("dummy" + i), "dummy is never written");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void everyFieldWrittenInCIsReadByJava(ShmLayout layout) {
        CPeer.of(layout).call("write", segments.hexKey(4), "mode=1", "count=41", "clockTimeStampSec=" + (T0 + 3),
                "clockTimeStampUSec=333333", "clockTimeStampNSec=4000000000", "receiveTimeStampSec=" + (T0 + 4),
                "receiveTimeStampUSec=444444", "receiveTimeStampNSec=444444555", "leap=3", "precision=-29",
                "nsamples=9", "valid=1", "dummy7=99");
        try (NtpdShm shm = NtpdShm.open(segments.options(4, backend()).attachOnly().build())) {
            assertEquals(layout, shm.layout(), "layout inferred from the segment's size");
            assertEquals(1, shm.getMode());
            assertEquals(41, shm.getCount());
            assertEquals(T0 + 3, shm.getClockTimeStampSec());
            assertEquals(333_333, shm.getClockTimeStampUSec());
            assertEquals(4_000_000_000L, shm.getClockTimeStampNSec());
            assertEquals(T0 + 4, shm.getReceiveTimeStampSec());
            assertEquals(444_444, shm.getReceiveTimeStampUSec());
            assertEquals(444_444_555L, shm.getReceiveTimeStampNSec());
            assertEquals(3, shm.getLeap());
            assertEquals(-29, shm.getPrecision());
            assertEquals(9, shm.getNsamples());
            assertTrue(shm.isValid());
            assertEquals(T0 + 3.333333, shm.getClockTimeStamp(), 1e-6);
            assertEquals(T0 + 4.444444, shm.getReceiveTimeStamp(), 1e-6);
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void floatSecondsPseudoFieldsWriteSecUSecAndNSec(ShmLayout layout) {
        try (NtpdShm shm = open(5, layout)) {
            shm.setClockTimeStamp(T0 + 0.25);
            shm.setReceiveTimeStamp(T0 + 0.5);
            assertEquals(T0, shm.getClockTimeStampSec());
            assertEquals(250_000, shm.getClockTimeStampUSec());
            assertEquals(250_000_000L, shm.getClockTimeStampNSec());
            assertEquals(500_000, shm.getReceiveTimeStampUSec());
            assertEquals(500_000_000L, shm.getReceiveTimeStampNSec());
            assertEquals(T0 + 0.25, shm.getClockTimeStamp(), 1e-6);
            assertEquals(T0 + 0.5, shm.getReceiveTimeStamp(), 1e-6);
            shm.setClockTimeStamp(1.9999999999);  // rounds to a whole second: the nanoseconds carry
            assertEquals(2, shm.getClockTimeStampSec());
            assertEquals(0, shm.getClockTimeStampUSec());
            assertEquals(0L, shm.getClockTimeStampNSec());
            shm.update(1.9999999999, 3.0000000004, -20);
            assertEquals(2, shm.getClockTimeStampSec());
            assertEquals(0L, shm.getClockTimeStampNSec());
            assertEquals(3, shm.getReceiveTimeStampSec());
            assertEquals(0L, shm.getReceiveTimeStampNSec());
        }
    }
}
