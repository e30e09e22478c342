/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Under qemu-user, a process this JVM starts is a fork of the emulator that must exec the command; now and then the
 * fork deadlocks inside qemu before it gets there (seen here with Debian 12's qemu-aarch64: the child waits on a
 * futex forever, and the test waiting for its output with it). This watchdog, started only in an emulated JVM (see
 * {@code scripts/platforms.sh}), kills a child that is still a copy of this JVM after {@value #GRACE_SECONDS} s and
 * remembers it, so that {@link CPeer#run} starts the command again and nothing hangs.
 */
final class ForkWatchdog {

    static final int GRACE_SECONDS = 10;

    private static final Set<Long> KILLED = ConcurrentHashMap.newKeySet();
    private static volatile boolean started;

    private ForkWatchdog() {
    }

    /** Whether this JVM runs under qemu-user, as the platforms script says. */
    static boolean emulated() {
        return System.getProperty("ntpdshm.test.emulator", "").startsWith("qemu");
    }

    /** Starts the watchdog once, in an emulated JVM only. */
    static synchronized void ensureStarted() {
        if (started || !emulated()) {
            return;
        }
        started = true;
        Thread t = new Thread(ForkWatchdog::watch, "fork-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** Whether the watchdog killed this process. */
    static boolean killed(long pid) {
        return KILLED.contains(pid);
    }

    private static void watch() {
        long self = ProcessHandle.current().pid();
        byte[] own = read(Paths.get("/proc/self/cmdline"));
        Map<Long, Long> firstSeen = new HashMap<>();
        while (true) {
            long now = System.nanoTime();
            ProcessHandle.current().children().forEach(child -> {
                byte[] cmd = read(Paths.get("/proc", Long.toString(child.pid()), "cmdline"));
                if (own.length > 0 && endsWith(cmd, own)) {
                    long since = firstSeen.computeIfAbsent(child.pid(), p -> now);
                    if (now - since > GRACE_SECONDS * 1_000_000_000L) {
                        KILLED.add(child.pid());
                        child.destroyForcibly();
                        System.err.println("[ntpdshm tests] killed pid " + child.pid() + ", a fork of this emulated JVM"
                                + " (pid " + self + ") stuck before exec for " + GRACE_SECONDS + " s in qemu-user");
                    }
                }
            });
            firstSeen.keySet().removeIf(p -> !ProcessHandle.of(p).isPresent());
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean endsWith(byte[] a, byte[] suffix) {
        return a.length >= suffix.length
                && Arrays.equals(a, a.length - suffix.length, a.length, suffix, 0, suffix.length);
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException | RuntimeException e) {
            return new byte[0];
        }
    }
}
