/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSegment;
import io.github.ntpdshm.conformance.CPeer;
import io.github.ntpdshm.conformance.TestSegments;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A segment written through one backend reads back identically, field by field, through every backend that can
 * run on this JVM (JNA and JNR always, Panama on Java 22+), and the bytes C sees do not depend on the writer.
 */
class CrossBackendTest {

    private static final long T0 = 1_795_000_000L;

    private final TestSegments segments = new TestSegments();

    @AfterEach
    void removeSegments() {
        List<ShmSegment> attached = segments.removeAll();
        assertTrue(attached.isEmpty(), "segments still attached after the test: " + attached);
    }

    static List<String> usable() {
        return ShmBackends.candidates().stream().filter(ShmBackends.Candidate::isAvailable)
                .map(ShmBackends.Candidate::name).collect(Collectors.toList());
    }

    @Test
    void everyBackendThatCanRunHereTakesPart() {
        List<String> expected = new ArrayList<>();
        if (Runtime.version().feature() >= 22) {
            expected.add("panama");
        }
        expected.add("jna");
        expected.add("jnr");
        assertEquals(expected, usable(), "usable backends on Java " + Runtime.version() + ": "
                + ShmBackends.candidates());
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void whatOneBackendWritesEveryBackendReadsTheSame(ShmLayout layout) {
        List<String> backends = usable();
        Map<String, String> cOfFirstWriter = null;
        int unit = 40;
        for (String writer : backends) {
            unit++;
            Map<String, Object> written;
            try (NtpdShm w = NtpdShm.open(segments.options(unit, writer).layout(layout).build())) {
                write(w);
                written = fields(w);
            }
            Map<String, String> c = CPeer.of(layout).fields("dump", segments.hexKey(unit));
            if (cOfFirstWriter == null) {
                cOfFirstWriter = c;
            } else {
                assertEquals(cOfFirstWriter, c, "C sees other values when " + writer + " writes");
            }
            for (String reader : backends) {
                try (NtpdShm r = NtpdShm.open(segments.options(unit, reader).attachOnly().build())) {
                    assertEquals(layout, r.layout(), reader + " infers the layout " + writer + " created");
                    assertEquals(written, fields(r), "written by " + writer + ", read by " + reader);
                }
                try (NtpdShm r = NtpdShm.open(segments.options(unit, reader).readOnly(true).build())) {
                    assertEquals(written, fields(r), "written by " + writer + ", read read-only by " + reader);
                }
            }
        }
    }

    @Test
    void samplesUpdatedThroughOneBackendAreConsumedThroughAnother() {
        List<String> backends = usable();
        for (String writer : backends) {
            for (String reader : backends) {
                try (NtpdShm w = NtpdShm.open(segments.options(60, writer).layout(ShmLayout.LP64).build());
                     NtpdShm r = NtpdShm.open(segments.options(60, reader).attachOnly().build())) {
                    w.setPrecision(-20);
                    w.update(Instant.ofEpochSecond(T0, 123_456_789), Instant.ofEpochSecond(T0 + 1, 5));
                    ShmRead expected = w.peek();
                    assertTrue(expected.isOk(), writer + " wrote a whole sample");
                    ShmRead read = r.read();
                    assertEquals(expected.status(), read.status(), writer + " -> " + reader);
                    assertEquals(expected.sample(), read.sample(), writer + " -> " + reader);
                    assertFalse(w.isValid(), "the reader through " + reader + " consumed the sample");
                }
            }
        }
    }

    private static void write(NtpdShm shm) {
        shm.setMode(1);
        shm.setCount(41);
        shm.setClockTimeStampSec(T0 + 1);
        shm.setClockTimeStampUSec(111_111);
        shm.setClockTimeStampNSec(3_000_000_000L);
        shm.setReceiveTimeStampSec(T0 + 2);
        shm.setReceiveTimeStampUSec(222_222);
        shm.setReceiveTimeStampNSec(222_222_333L);
        shm.setLeap(2);
        shm.setPrecision(-17);
        shm.setNsamples(5);
        shm.setValid(true);
    }

    private static Map<String, Object> fields(NtpdShm shm) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("mode", shm.getMode());
        f.put("count", shm.getCount());
        f.put("clockTimeStampSec", shm.getClockTimeStampSec());
        f.put("clockTimeStampUSec", shm.getClockTimeStampUSec());
        f.put("clockTimeStampNSec", shm.getClockTimeStampNSec());
        f.put("receiveTimeStampSec", shm.getReceiveTimeStampSec());
        f.put("receiveTimeStampUSec", shm.getReceiveTimeStampUSec());
        f.put("receiveTimeStampNSec", shm.getReceiveTimeStampNSec());
        f.put("leap", shm.getLeap());
        f.put("precision", shm.getPrecision());
        f.put("nsamples", shm.getNsamples());
        f.put("valid", shm.isValid());
        f.put("layout", shm.layout());
        f.put("peekStatus", shm.peek().status());
        f.put("peekSample", shm.peek().sample());
        return f;
    }
}
