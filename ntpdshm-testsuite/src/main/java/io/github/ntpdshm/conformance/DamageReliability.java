/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.internal.Errno;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reliability group's damaged segments: writers killed with SIGKILL at random moments, and hostile segments
 * (sizes no layout has, fields out of range, removal and recreation under an open handle).
 */
abstract class DamageReliability extends ConcurrencyReliability {

    private static final int C_KILLS = Stress.size(100, 1000);
    private static final int JVM_KILLS = Stress.size(3, 30);

    // ---- writers killed at random moments ----------------------------------------------------------------------

    @Test
    void writersKilledAtRandomMomentsNeverHandOutATornSample() throws Exception {
        ShmLayout[] layouts = ShmLayout.values();
        List<NtpdShm> handles = new ArrayList<>();
        for (ShmLayout l : layouts) {
            handles.add(open(40 + l.ordinal(), l));
        }
        AtomicBoolean stop = new AtomicBoolean();
        long[] reads = new long[4];  // reads, accepted, clashes, torn
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread reader = new Thread(guard(failed, () -> {
            ShmSample.Mutable into = new ShmSample.Mutable();
            while (!stop.get()) {
                for (NtpdShm h : handles) {
                    ShmRead.Status s = h.peek(into);
                    reads[0]++;
                    if (s == ShmRead.Status.OK) {
                        reads[1]++;
                        if (into.mode() == 1 && into.clockTimeStampSec() != 0 && !Stress.consistent(into)) {
                            reads[3]++;
                        }
                    } else if (s == ShmRead.Status.CLASH) {
                        reads[2]++;
                    }
                }
            }
        }));
        reader.start();
        Random random = new Random();
        long oddLeft = 0;
        try {
            for (int i = 0; i < C_KILLS; i++) {
                ShmLayout l = layouts[i % layouts.length];
                NtpdShm h = handles.get(l.ordinal());
                long before = Integer.toUnsignedLong(h.getCount());
                StressPeer.Running w = StressPeer.of(l).startWriter(segments.hexKey(40 + l.ordinal()), 0, 1);
                LockSupport.parkNanos(random.nextInt(2_000_000));
                w.process.destroyForcibly();
                assertTrue(w.process.waitFor(10, TimeUnit.SECONDS));
                long after = Integer.toUnsignedLong(h.getCount());
                assertTrue(after >= before, "count went back from " + before + " to " + after);
                oddLeft += after & 1;
                if (i % 10 == 9) {
                    ourWriterContinues(h);
                }
                summary.add("kill", "c_writers_killed", 1);
            }
            for (int i = 0; i < JVM_KILLS; i++) {
                killOurWriterInAChildJvm(handles.get(0), 40, random);
                summary.add("kill", "java_writers_killed", 1);
            }
        } finally {
            stop.set(true);
            reader.join();
            handles.forEach(NtpdShm::close);
        }
        assertEquals(null, failed.get());
        summary.add("kill", "reads", reads[0]);
        summary.add("kill", "accepted", reads[1]);
        summary.add("kill", "clashes", reads[2]);
        summary.add("kill", "torn_accepted", reads[3]);
        summary.add("kill", "odd_count_left", oddLeft);
        assertEquals(0, reads[3], "a torn sample was accepted around a killed writer");
    }

    /** Our writer attaches after a kill: count goes on from where it was, even again. */
    private void ourWriterContinues(NtpdShm observer) {
        try (NtpdShm w = attach(observer.unit())) {
            long before = Integer.toUnsignedLong(w.getCount());
            Stress.publish(w, Stress.firstAfter(w.getCount()));
            long after = Integer.toUnsignedLong(w.getCount());
            assertEquals(0, after & 1, "count left odd after our sample");
            assertTrue(after > before && after <= before + 3, before + " -> " + after);
        }
        ShmSample.Mutable into = new ShmSample.Mutable();
        assertEquals(ShmRead.Status.OK, observer.peek(into));
        assertTrue(Stress.consistent(into));
    }

    private void killOurWriterInAChildJvm(NtpdShm observer, int unit, Random random) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), StressWriter.class.getName(), backend(),
                Integer.toHexString(segments.keyBase()), Integer.toString(unit)).redirectErrorStream(true).start();
        try {
            byte[] ready = new byte[6];
            int n = p.getInputStream().readNBytes(ready, 0, 6);
            assertEquals("ready\n", new String(ready, 0, n, StandardCharsets.US_ASCII),
                    "the child writer did not start");
            LockSupport.parkNanos(random.nextInt(30_000_000));
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        ourWriterContinues(observer);
    }

    // ---- hostile segments ----------------------------------------------------------------------------------

    @Test
    void segmentsOfNoKnownSizeAreRefusedWithEinval() {
        int unit = 50;
        for (int size : new int[] {0, 1, 40, 79, 81, 95, 97, 4096}) {
            boolean created = StressPeer.of(ShmLayout.LP64).succeeds("create", segments.hexKey(unit),
                    Integer.toString(size), Integer.toString(size));
            summary.add("hostile", "cases", 1);
            if (size == 0) {
                assertFalse(created, "the kernel refuses to create a segment of 0 bytes");
                continue;
            }
            assertTrue(created, "shmstress create " + size);
            NtpdShmException e = assertThrows(NtpdShmException.class, () -> attach(unit).close());
            assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains(size + " bytes"), e.getMessage());
            for (ShmLayout l : ShmLayout.values()) {
                e = assertThrows(NtpdShmException.class, () -> NtpdShm.open(segments.options(unit, backend()).layout(l)
                        .attachOnly().build()).close());
                assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
            }
            segments.removeAll();
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void hostileFieldsAreReadWithoutThrowing(ShmLayout layout) {
        boolean t64 = layout.timeTSize() == 8;
        String max = t64 ? Long.toString(Long.MAX_VALUE) : Integer.toString(Integer.MAX_VALUE);
        String min = t64 ? Long.toString(Long.MIN_VALUE) : Integer.toString(Integer.MIN_VALUE);
        Map<String, ShmRead.Status> cases = new LinkedHashMap<>();
        cases.put("mode=7 valid=1", ShmRead.Status.BAD_MODE);
        cases.put("mode=-1 valid=1", ShmRead.Status.BAD_MODE);
        cases.put("mode=1 valid=1 clockTimeStampSec=" + max + " receiveTimeStampSec=" + min, ShmRead.Status.OK);
        cases.put("mode=1 valid=1 clockTimeStampSec=" + min + " receiveTimeStampSec=" + max, ShmRead.Status.OK);
        cases.put("mode=0 valid=1 clockTimeStampNSec=4294967295 receiveTimeStampNSec=1000000000", ShmRead.Status.OK);
        cases.put("mode=1 valid=1 clockTimeStampUSec=-1 receiveTimeStampUSec=2147483647", ShmRead.Status.OK);
        cases.put("mode=1 valid=1 count=7", ShmRead.Status.OK);
        cases.put("mode=1 valid=1 count=-1", ShmRead.Status.OK);
        cases.put("mode=1 valid=2", ShmRead.Status.OK);
        cases.put("mode=1 valid=-1", ShmRead.Status.OK);
        cases.put("mode=1 valid=0", ShmRead.Status.NOT_VALID);
        cases.put("mode=1 valid=1 leap=-5 precision=99 nsamples=-2147483648", ShmRead.Status.OK);
        int unit = 60 + layout.ordinal();
        for (Map.Entry<String, ShmRead.Status> c : cases.entrySet()) {
            try (NtpdShm seed = open(unit, layout)) {
                List<String> args = new ArrayList<>(Arrays.asList("write", segments.hexKey(unit)));
                args.addAll(Arrays.asList(c.getKey().split(" ")));
                CPeer.of(layout).call(args.toArray(new String[0]));
                try (NtpdShm monitor = NtpdShm.open(segments.options(unit, backend()).readOnly(true).build())) {
                    assertEquals(c.getValue(), readEverything(monitor), c.getKey());
                }
                assertEquals(c.getValue(), readEverything(seed), c.getKey());
            }
            segments.removeAll();
            summary.add("hostile", "cases", 1);
        }
    }

    /** Every read and getter a monitor uses; none may throw whatever the segment holds. */
    static ShmRead.Status readEverything(NtpdShm h) {
        ShmRead r = h.peek();
        String text = r.toString();
        r.sample().ifPresent(s -> {
            assertTrue(text.contains("ShmSample["));
            s.offsetNanos();
            s.offset();
            s.hasNanoseconds();
            if (s.timeStampsInRange()) {
                s.clockTimeStamp();
                s.receiveTimeStamp();
            } else {
                assertTrue(text.contains("out of range"), text);
            }
        });
        ShmSample.Mutable into = new ShmSample.Mutable();
        assertEquals(r.status(), h.peek(into));
        into.toString();
        into.offsetNanos();
        h.getClockTimeStamp();
        h.getReceiveTimeStamp();
        h.getClockTimeStampNSec();
        h.getCount();
        h.isValid();
        h.segment();
        return r.status();
    }

    @Test
    void removalAndRecreationUnderAnOpenHandle() {
        int unit = 70;
        NtpdShm old = open(unit, ShmLayout.LP64);
        try {
            Stress.publish(old, 5);
            int oldId = old.segment().shmid();
            CPeer.run(Arrays.asList("ipcrm", "-m", Integer.toString(oldId)), 10);
            assertFalse(ShmSegment.ofKey(segments.key(unit)).isPresent(), "the key is free once marked for removal");
            Stress.publish(old, 6);  // still attached: writes the removed segment, harmlessly
            ShmSample.Mutable into = new ShmSample.Mutable();
            assertEquals(ShmRead.Status.OK, old.peek(into));
            assertTrue(Stress.consistent(into));
            assertTrue(old.segment().isMarkedForRemoval());
            CPeer.of(ShmLayout.ILP32).call("write", segments.hexKey(unit), "mode=1", "valid=1", "count=2");
            try (NtpdShm fresh = attach(unit)) {
                assertEquals(ShmLayout.ILP32, fresh.layout(), "the new segment, not the old one");
                assertEquals(2, fresh.getCount());
                Stress.publish(fresh, 9);
            }
            assertEquals(Stress.T0 + 6, old.getClockTimeStampSec(), "the old handle still sees its own segment");
            try {
                old.removeSegment();  // already marked: harmless, or the kernel says it is gone
            } catch (NtpdShmException e) {
                assertTrue(e.errno() == Errno.EIDRM || e.errno() == Errno.EINVAL, e.getMessage());
            }
        } finally {
            old.close();
        }
        assertEquals(ShmLayout.ILP32, ShmSegment.ofKey(segments.key(unit)).get().layout().get());
        summary.add("hostile", "cases", 1);
    }
}
