/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.interop;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmOptions;

import java.time.Instant;

/**
 * A writer thread on one backend: every interval it publishes receive = now and clock = now + offset, so a
 * reader sees exactly {@code offset} between the two time stamps.
 */
final class JavaWriter implements AutoCloseable {

    private static final long NS = 1_000_000_000L;

    private final NtpdShm shm;
    private final long offsetNanos;
    private final long intervalMillis;
    /** Whether update stamps the receive time itself (the seed's loop), so the offset includes its delay. */
    private final boolean stamping;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long samples;
    private volatile Throwable failure;

    /** Opens (creating if needed) the unit with this backend and starts writing. */
    JavaWriter(ShmOptions options, long offsetNanos, long intervalMillis) {
        this(options, offsetNanos, intervalMillis, false);
    }

    /**
     * The seed's loop: every interval it reads the clock and calls {@code update(now + offset)}, which stamps the
     * receive time itself, so a reader sees {@code offset} less the delay between that reading and the stamp.
     */
    static JavaWriter stamping(ShmOptions options, long offsetNanos, long intervalMillis) {
        return new JavaWriter(options, offsetNanos, intervalMillis, true);
    }

    private JavaWriter(ShmOptions options, long offsetNanos, long intervalMillis, boolean stamping) {
        this.shm = NtpdShm.open(options);
        this.offsetNanos = offsetNanos;
        this.intervalMillis = intervalMillis;
        this.stamping = stamping;
        this.thread = new Thread(this::run, "writer-" + shm.backendName() + "-unit" + shm.unit());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                Instant now = Instant.now();
                if (stamping) {
                    shm.update(now.plusNanos(offsetNanos));
                    samples++;
                    Thread.sleep(intervalMillis);
                    continue;
                }
                long clock = now.getEpochSecond() * NS + now.getNano() + offsetNanos;
                shm.update(Math.floorDiv(clock, NS), (int) Math.floorMod(clock, NS), now.getEpochSecond(),
                        now.getNano());
                samples++;
                Thread.sleep(intervalMillis);
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    NtpdShm handle() {
        return shm;
    }

    /** Samples published so far. */
    long samples() {
        return samples;
    }

    /** Waits until at least n samples were published (the segment is then filled). */
    void awaitSamples(long n) throws InterruptedException {
        long end = System.nanoTime() + 5 * NS;
        while (samples < n && failure == null && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        check();
    }

    /** Fails if the writer thread died. */
    void check() {
        if (failure != null) {
            throw new AssertionError("writer " + thread.getName() + " failed: " + failure, failure);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shm.close();
        check();
    }
}
