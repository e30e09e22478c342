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
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.internal.Errno;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
 */
@Tag("reliability")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ReliabilitySuite {

    /** How long each cross-process run lasts. */
    private static final int MILLIS = Stress.size(1500, 20_000);
    private static final int C_KILLS = Stress.size(100, 1000);
    private static final int JVM_KILLS = Stress.size(3, 30);
    private static final int FUZZ_CASES = Stress.size(20, 1000);
    private static final int CLOSE_RACES = Stress.size(10, 300);

    /** The segments of the whole class, under one private key base. */
    protected final TestSegments segments = new TestSegments();
    private final ReliabilitySummary summary = new ReliabilitySummary();
    private long started;

    /** {@return the name of the backend under test: {@code panama}, {@code jna}, {@code jnr}, or a third-party backend's} */
    protected abstract String backend();

    private NtpdShm open(int unit, ShmLayout layout) {
        return NtpdShm.open(segments.options(unit, backend()).layout(layout).build());
    }

    private NtpdShm attach(int unit) {
        return NtpdShm.open(segments.options(unit, backend()).attachOnly().build());
    }

    @BeforeAll
    void start() {
        started = System.nanoTime();
    }

    @AfterEach
    void removeSegmentsAndCheckNoneWasLeftAttached() {
        List<ShmSegment> attached = segments.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    /** After the group: nothing under our key base in the kernel's table, and no SysV mapping of ours. */
    @AfterAll
    void nothingLeftAndTheSummary() throws IOException {
        List<ShmSegment> left = segments.present();
        segments.removeAll();
        List<String> mapped = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.US_ASCII)) {
            if (line.contains("/SYSV" + Integer.toHexString(segments.keyBase()).substring(0, 6))) {
                mapped.add(line);
            }
        }
        summary.write(backend(), (System.nanoTime() - started) / 1_000_000, left.size() + mapped.size());
        assertTrue(left.isEmpty(), "segments left in /proc/sysvipc/shm: " + left);
        assertTrue(mapped.isEmpty(), "segments still mapped into this JVM: " + mapped);
    }

    // ---- torn reads across processes ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void ourWriterAgainstNtpdsReaderInC(ShmLayout layout) throws Exception {
        int unit = 10 + layout.ordinal();
        try (NtpdShm shm = open(unit, layout)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    long v = 1;
                    while (!stop.get()) {
                        Stress.publish(shm, v);
                        v = Stress.next(v);
                        written.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            writer.start();
            Map<String, Long> c = StressPeer.of(layout).counts("read", segments.hexKey(unit), Integer.toString(MILLIS));
            stop.set(true);
            writer.join();
            assertEquals(null, failed.get());
            String area = "java>c";
            summary.add(area, "samples_written", written.get());
            summary.add(area, "reads", c.get("reads"));
            summary.add(area, "accepted", c.get("accepted"));
            summary.add(area, "clashes", c.get("clashes"));
            summary.add(area, "torn_accepted", c.get("torn_strict"));
            summary.add(area, "ntpd_accepted", c.get("accepted_ntpd"));
            summary.add(area, "ntpd_torn_accepted", c.get("torn_ntpd"));
            assertEquals(0L, c.get("torn_strict"), "a torn sample passed the count and valid checks: " + c);
            assertEquals(0L, c.get("badmode"), c.toString());
            assertTrue(c.get("accepted") > 0, "the C reader never got a sample: " + c);
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void aGpsdStyleWriterInCAgainstOurReader(ShmLayout layout) throws Exception {
        int unit = 20 + layout.ordinal();
        try (NtpdShm shm = open(unit, layout)) {
            long[] r = readWhile(shm, StressPeer.of(layout).startWriter(segments.hexKey(unit), MILLIS, 1));
            String area = "c>java";
            summary.add(area, "samples_written", r[4]);
            summary.add(area, "reads", r[0]);
            summary.add(area, "accepted", r[1]);
            summary.add(area, "clashes", r[2]);
            summary.add(area, "torn_accepted", r[3]);
            assertEquals(0, r[3], "our reader accepted a torn sample");
            assertTrue(r[1] > 0, "our reader never got a sample");
        }
    }

    /** Reads (consuming) until the writer ends: reads, accepted, clashes, torn accepted, samples written. */
    private static long[] readWhile(NtpdShm shm, StressPeer.Running writer) throws Exception {
        ShmSample.Mutable into = new ShmSample.Mutable();
        long reads = 0;
        long accepted = 0;
        long clashes = 0;
        long torn = 0;
        while (writer.process.isAlive()) {
            reads++;
            ShmRead.Status s = shm.consume(into);
            if (s == ShmRead.Status.OK) {
                accepted++;
                if (!Stress.consistent(into)) {
                    torn++;
                }
            } else if (s == ShmRead.Status.CLASH) {
                clashes++;
            }
        }
        return new long[] {reads, accepted, clashes, torn, writer.written()};
    }

    @Test
    void mode0HasNoProtectionAndTears() throws Exception {
        try (NtpdShm shm = open(30, ShmLayout.LP64)) {
            long torn = 0;
            for (int round = 0; round < 10 && torn == 0; round++) {
                long[] r = readWhile(shm, StressPeer.of(ShmLayout.LP64).startWriter(segments.hexKey(30), MILLIS / 3, 0));
                torn += r[3];
                summary.add("mode0", "reads", r[0]);
                summary.add("mode0", "accepted", r[1]);
            }
            summary.add("mode0", "torn_seen", torn);
            assertTrue(torn > 0, "mode 0 never tore: the test would not see a torn sample either");
        }
    }

    // ---- threads -------------------------------------------------------------------------------------------

    @Test
    void threeWritersAndFourReadersOnOneHandle() throws Exception {
        try (NtpdShm shm = open(31, ShmLayout.LP64)) {
            AtomicLong next = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            AtomicLong accepted = new AtomicLong();
            AtomicLong clashes = new AtomicLong();
            AtomicLong torn = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                threads.add(new Thread(guard(failed, () -> {
                    while (!stop.get()) {
                        Stress.publish(shm, next.incrementAndGet() % Stress.WRAP + 1);
                    }
                })));
            }
            for (int i = 0; i < 4; i++) {
                threads.add(new Thread(guard(failed, () -> {
                    ShmSample.Mutable into = new ShmSample.Mutable();
                    while (!stop.get()) {
                        reads.incrementAndGet();
                        ShmRead.Status s = shm.peek(into);
                        if (s == ShmRead.Status.OK) {
                            accepted.incrementAndGet();
                            if (!Stress.consistent(into)) {
                                torn.incrementAndGet();
                            }
                        } else if (s == ShmRead.Status.CLASH) {
                            clashes.incrementAndGet();
                        }
                    }
                })));
            }
            threads.forEach(Thread::start);
            Thread.sleep(MILLIS);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(null, failed.get());
            summary.add("threads", "samples_written", next.get());
            summary.add("threads", "reads", reads.get());
            summary.add("threads", "accepted", accepted.get());
            summary.add("threads", "clashes", clashes.get());
            summary.add("threads", "torn_accepted", torn.get());
            assertEquals(0, torn.get());
            assertEquals(2 * next.get(), Integer.toUnsignedLong(shm.getCount()), "one handle never loses an update");
            assertEquals(0, shm.otherWriterUpdates(), "threads of one handle are one writer");
        }
    }

    private static Runnable guard(AtomicReference<Throwable> failed, Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable t) {
                failed.set(t);
            }
        };
    }

    @Test
    void closeRacingThreeWritersAndFourReaders() throws Exception {
        for (int round = 0; round < CLOSE_RACES; round++) {
            NtpdShm shm = open(32, ShmLayout.LP64);
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            CountDownLatch running = new CountDownLatch(7);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                boolean writer = i < 3;
                threads.add(new Thread(() -> {
                    running.countDown();
                    ShmSample.Mutable into = new ShmSample.Mutable();
                    long v = 1;
                    try {
                        while (true) {
                            if (writer) {
                                Stress.publish(shm, v);
                                v = Stress.next(v);
                            } else {
                                shm.peek(into);
                                shm.getClockTimeStamp();
                            }
                        }
                    } catch (IllegalStateException e) {
                        if (!String.valueOf(e.getMessage()).contains("is closed")) {
                            unexpected.set(e);
                        }
                    } catch (Throwable t) {
                        unexpected.set(t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            running.await();
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
            shm.close();
            for (Thread t : threads) {
                t.join();
            }
            if (unexpected.get() != null) {
                throw new AssertionError("an access racing close() failed otherwise than 'closed'", unexpected.get());
            }
            assertEquals(0, ShmSegment.ofKey(segments.key(32)).get().attachCount());
            summary.add("threads", "close_races", 1);
        }
    }

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
    private static ShmRead.Status readEverything(NtpdShm h) {
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
