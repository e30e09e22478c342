/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ntpdshm.api.ChronySock.Delivery;
import io.github.ntpdshm.api.ChronySock;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.SockLayout;
import io.github.ntpdshm.api.SockOptions;
import io.github.ntpdshm.api.SockReceiver;
import io.github.ntpdshm.api.SockSample;
import io.github.ntpdshm.internal.Errno;
import io.github.ntpdshm.spi.ShmBackend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * chrony's SOCK refclock through one backend: the datagrams {@link ChronySock} sends and {@link SockReceiver}
 * reads, checked byte for byte against the C peer's {@code struct sock_sample} for each ABI, and the delivery rules
 * (a missing listener or a full buffer drops and reports once, never blocks). Real sockets under {@code target/}.
 */
public abstract class SockConformance {

    private static final long T0 = 1_795_000_000L;  // 2026-11-18, inside every time_t

    /** This test's folder for socket files; emptied after it. */
    protected Path dir;

    /** {@return the name of the backend under test: {@code panama}, {@code jna}, {@code jnr}, or a third-party backend's} */
    protected abstract String backend();

    @BeforeEach
    void makeFolder() throws IOException {
        Path base = Paths.get("target", "sock").toAbsolutePath();
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, backend());
        if (dir.toString().length() > 90) {  // sun_path holds 107 bytes
            Files.delete(dir);
            dir = Files.createTempDirectory("ntpdshm-sock");
        }
    }

    @AfterEach
    void removeFolder() throws IOException {
        // rm, not Files.list: Debian's 32-bit JDKs cannot list a folder whose inode numbers exceed 32 bits (EOVERFLOW)
        CPeer.Result r = CPeer.run(java.util.Arrays.asList("rm", "-rf", dir.toString()), 30);
        if (r.exit != 0) {
            throw new IOException("cannot remove " + dir + ": " + r.describe());
        }
    }

    /**
     * {@code sockpeer.c} built by the C toolchain of this SHM layout's ABI (its {@code time_t} gives the datagram's
     * size); the test is skipped where no compiler here gives that ABI.
     */
    private static CPeer peer(ShmLayout abi) {
        return CPeer.of("sockpeer.c", abi);
    }

    /** {@code name=value} lines as a map. */
    private static Map<String, String> parse(String output) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return m;
    }

    /**
     * Options for a socket in this test's folder with this backend.
     *
     * @param name the socket file's name in that folder
     * @return a builder for it
     */
    protected SockOptions.Builder options(String name) {
        return SockOptions.builder(dir.resolve(name)).backend(backend());
    }

    // ---- the datagram against C ---------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void sockSampleOffsetsMatchTheCCompiler(ShmLayout abi) {
        SockLayout l = SockLayout.of(abi);
        Map<String, String> c = peer(abi).fields("offsets");
        assertEquals(l.size(), Integer.parseInt(c.get("sizeof")), "sizeof");
        assertEquals(SockLayout.TV_SEC, Integer.parseInt(c.get("tv_sec")));
        assertEquals(l.tvUsec(), Integer.parseInt(c.get("tv_usec")));
        assertEquals(l.offset(), Integer.parseInt(c.get("offset")));
        assertEquals(l.pulse(), Integer.parseInt(c.get("pulse")));
        assertEquals(l.leap(), Integer.parseInt(c.get("leap")));
        assertEquals(l.pad(), Integer.parseInt(c.get("_pad")));
        assertEquals(l.magic(), Integer.parseInt(c.get("magic")));
    }

    @Test
    void socketNumbersMatchTheCLibrary() {
        Map<String, String> c = peer(ShmLayout.platform()).fields("abi");
        Map<String, Integer> ours = new LinkedHashMap<>();
        ours.put("AF_UNIX", ShmBackend.AF_UNIX);
        ours.put("SOCK_DGRAM", ShmBackend.SOCK_DGRAM);
        ours.put("SOCK_NONBLOCK", ShmBackend.SOCK_NONBLOCK);
        ours.put("SOCK_CLOEXEC", ShmBackend.SOCK_CLOEXEC);
        ours.put("POLLIN", (int) ShmBackend.POLLIN);
        ours.put("MSG_TRUNC", 0x20);  // SockReceiver's
        ours.put("EINTR", Errno.EINTR);
        ours.put("EAGAIN", Errno.EAGAIN);
        ours.put("ENOTDIR", Errno.ENOTDIR);
        ours.put("ENOTSOCK", Errno.ENOTSOCK);
        ours.put("EMSGSIZE", Errno.EMSGSIZE);
        ours.put("EPROTOTYPE", Errno.EPROTOTYPE);
        ours.put("EADDRINUSE", Errno.EADDRINUSE);
        ours.put("ECONNREFUSED", Errno.ECONNREFUSED);
        // UnixAddress and SockReceiver's struct pollfd
        ours.put("sun_path", 2);
        ours.put("sizeof_sun_path", 108);
        ours.put("sizeof_pollfd", 8);
        ours.put("pollfd_events", 4);
        ours.put("pollfd_revents", 6);
        for (Map.Entry<String, Integer> e : ours.entrySet()) {
            assertEquals(String.valueOf(e.getValue()), c.get(e.getKey()), e.getKey() + " in Java vs the C library");
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void theWriterSendsTheBytesCWouldSend(ShmLayout abi) throws Exception {
        CPeer peer = peer(abi);
        SockLayout layout = SockLayout.of(abi);
        Path path = dir.resolve("c.sock");
        Process p = peer.start("recv", path.toString(), "2");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("bound", out.readLine(), "the C receiver binds first");
            try (ChronySock sock = ChronySock.open(options("c.sock").layout(layout).build())) {
                // clock 1 s behind receive, with nanoseconds below the microsecond on both sides
                sock.setLeap(1);
                sock.setPulse(true);
                assertEquals(Delivery.SENT, sock.update(T0 - 1, 123_456_789, T0, 987_654_321));
                sock.setLeap(2);
                sock.setPulse(false);
                assertEquals(Delivery.SENT, sock.update(Instant.ofEpochSecond(T0 + 5, 500), Instant.ofEpochSecond(T0 + 5)));
                assertEquals(2, sock.sent());
                assertEquals(backend(), sock.backendName());
            }
            String rest = out.lines().collect(Collectors.joining("\n"));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the C receiver ends after two datagrams");
            assertEquals(0, p.exitValue(), rest);
            String[] samples = rest.split("(?=length=)");
            assertEquals(2, samples.length, rest);

            Map<String, String> first = parse(samples[0]);
            assertEquals(Integer.toString(layout.size()), first.get("length"));
            assertEquals(Long.toString(T0), first.get("tv_sec"));
            assertEquals("987654", first.get("tv_usec"), "tv holds the receive time's microseconds");
            // offset = clock - receive from both time stamps' nanoseconds: -1.864197532 s, one rounding
            assertEquals(-1_864_197_532 / 1e9, Double.parseDouble(first.get("offset")));
            assertEquals("1", first.get("pulse"));
            assertEquals("1", first.get("leap"));
            assertEquals("0", first.get("_pad"));
            assertEquals("0x534f434b", first.get("magic"));
            assertEquals(peer.fields("encode", Long.toString(T0), "987654", Double.toHexString(-1_864_197_532 / 1e9),
                    "1", "1").get("hex"), first.get("hex"), "byte for byte what C sends");

            Map<String, String> second = parse(samples[1]);
            assertEquals(5e-7, Double.parseDouble(second.get("offset")));
            assertEquals(peer.fields("encode", Long.toString(T0 + 5), "0", Double.toHexString(5e-7), "0", "2")
                    .get("hex"), second.get("hex"));
        } finally {
            p.destroy();
        }
    }

    @ParameterizedTest
    @EnumSource(ShmLayout.class)
    void theReceiverReadsWhatCSends(ShmLayout abi) {
        CPeer peer = peer(abi);
        SockLayout layout = SockLayout.of(abi);
        try (SockReceiver r = SockReceiver.bind(options("r.sock").layout(layout).build())) {
            peer.fields("send", r.path().toString(), Long.toString(T0), "999999", "-1.0000005", "1", "2");
            SockSample s = r.receive(-1);
            assertTrue(s.isValid(), s::toString);
            assertEquals(layout.size(), s.length());
            assertEquals(T0, s.tvSec());
            assertEquals(999_999, s.tvUsec());
            assertEquals(-1.0000005, s.offset());
            assertEquals(-1_000_000_500L, s.offsetNanos());
            assertEquals(Instant.ofEpochSecond(T0 - 1, 999_999_000 - 500), s.clockTime());
            assertEquals(1, s.pulse());
            assertEquals(2, s.leap());
            assertEquals(SockLayout.MAGIC, s.magic());
        }
    }

    @Test
    void aDatagramOfAnotherSizeIsReportedNotDecoded() {
        CPeer peer = peer(ShmLayout.ILP32);  // 32 bytes
        try (SockReceiver r = SockReceiver.bind(options("r.sock").layout(SockLayout.TIME64).build())) {
            peer.fields("send", r.path().toString(), Long.toString(T0), "0", "0", "0", "0");
            SockSample s = r.receive(-1);
            assertFalse(s.isValid(), "chronyd drops a datagram of another size");
            assertEquals(32, s.length());
        }
    }

    // ---- delivery: chronyd may come and go ----------------------------------------------------------------

    @Test
    void aMissingListenerIsReportedOnceAndTheNextSampleIsSentAgain() {
        List<NtpdShmException> reports = new ArrayList<>();
        try (ChronySock sock = ChronySock.open(options("later.sock").onProblem(reports::add).build())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(Delivery.NO_LISTENER, sock.update(Instant.ofEpochSecond(T0 + i), Instant.ofEpochSecond(T0 + i)));
            }
            assertEquals(1, reports.size(), "reported once, not for every sample");
            assertEquals(Errno.ENOENT, reports.get(0).errno());
            assertEquals("sendto", reports.get(0).operation());
            assertTrue(reports.get(0).getMessage().contains(sock.path().toString()), reports.get(0)::getMessage);
            assertEquals(3, sock.dropped());
            try (SockReceiver r = SockReceiver.bind(options("later.sock").build())) {
                assertEquals(Delivery.SENT, sock.update(Instant.ofEpochSecond(T0 + 9), Instant.ofEpochSecond(T0 + 9)));
                SockSample s = r.receive(-1);
                assertNotNull(s);
                assertEquals(T0 + 9, s.tvSec());
            }
            assertFalse(Files.exists(sock.path()), "the receiver removes its socket file");
            assertEquals(Delivery.NO_LISTENER, sock.update(Instant.ofEpochSecond(T0 + 10), Instant.ofEpochSecond(T0 + 10)));
            assertEquals(2, reports.size(), "a new episode is reported again");
            assertEquals(1, sock.sent());
        }
    }

    @Test
    void aStaleSocketFileCountsAsNoListenerAndIsReplacedByTheReceiver() {
        peer(ShmLayout.platform()).fields("stale", dir.resolve("stale.sock").toString());
        assertTrue(Files.exists(dir.resolve("stale.sock")));
        List<NtpdShmException> reports = new ArrayList<>();
        try (ChronySock sock = ChronySock.open(options("stale.sock").onProblem(reports::add).build())) {
            assertEquals(Delivery.NO_LISTENER, sock.update(T0 + 0.5));
            assertEquals(Errno.ECONNREFUSED, reports.get(0).errno());
            assertFalse(SockReceiver.isListening(options("stale.sock").build()));
            try (SockReceiver r = SockReceiver.bind(options("stale.sock").build())) {
                assertEquals(Delivery.SENT, sock.update(T0 + 0.5));
                assertTrue(r.receive(-1).isValid());
            }
        }
    }

    @Test
    void aFullBufferDropsInsteadOfBlocking() {
        List<NtpdShmException> reports = new ArrayList<>();
        try (SockReceiver r = SockReceiver.bind(options("full.sock").build());
             ChronySock sock = ChronySock.open(options("full.sock").onProblem(reports::add).build())) {
            int full = 0;
            for (int i = 0; i < 2000; i++) {
                if (sock.update(Instant.ofEpochSecond(T0, i), Instant.ofEpochSecond(T0)) == Delivery.BUFFER_FULL) {
                    full++;
                }
            }
            assertTrue(full > 0, "a receiver that never reads fills its queue (net.unix.max_dgram_qlen)");
            assertEquals(full, sock.dropped());
            assertEquals(2000 - full, sock.sent());
            assertEquals(1, reports.size(), "reported once");
            assertEquals(Errno.EAGAIN, reports.get(0).errno());
            assertEquals(0, r.receive(0).offsetNanos(), "the first sample is at the head of the queue");
        }
    }

    @Test
    void aSecondReceiverIsRefusedWhileOneListens() {
        try (SockReceiver first = SockReceiver.bind(options("busy.sock").build())) {
            assertTrue(SockReceiver.isListening(options("busy.sock").build()));
            NtpdShmException e = assertThrows(NtpdShmException.class,
                    () -> SockReceiver.bind(options("busy.sock").build()));
            assertEquals(Errno.EADDRINUSE, e.errno());
            assertTrue(e.getMessage().contains("something already listens there"), e::getMessage);
            assertTrue(Files.exists(first.path()), "the listener's socket file is left alone");
        }
    }

    // ---- the same checks as the SHM path ------------------------------------------------------------------

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsSent() {
        try (ChronySock sock = ChronySock.open(options("none.sock").build())) {
            assertThrows(IllegalArgumentException.class, () -> sock.setLeap(3));
            assertThrows(IllegalArgumentException.class, () -> sock.update(-1.0));
            assertThrows(IllegalArgumentException.class, () -> sock.update(Double.NaN));
            assertThrows(IllegalArgumentException.class, () -> sock.update(T0, 1_000_000_000, T0, 0));
            assertThrows(IllegalArgumentException.class, () -> sock.update(T0, 0, -1, 0));
            assertEquals(0, sock.sent() + sock.dropped());
        }
        try (ChronySock sock = ChronySock.open(options("none.sock").layout(SockLayout.TIME32).build())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sock.update(1L << 31, 0, 1L << 31, 0));
            assertTrue(e.getMessage().contains("does not fit"), e::getMessage);
        }
        assertThrows(IllegalArgumentException.class, () -> SockOptions.of(Paths.get("/" + "x".repeat(120))));
    }

    @Test
    void aClosedWriterRefusesUpdates() {
        ChronySock sock = ChronySock.open(options("none.sock").build());
        sock.close();
        sock.close();
        assertTrue(sock.isClosed());
        assertThrows(IllegalStateException.class, () -> sock.update(T0 + 0.0));
    }
}
