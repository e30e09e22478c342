package io.github.ntpdshm.interop;

import io.github.ntpdshm.api.ChronySock;
import io.github.ntpdshm.api.SockOptions;

import java.time.Instant;

/**
 * A {@link ChronySock} writer thread on one backend, {@link JavaWriter}'s twin for chrony's SOCK refclock: every
 * interval it sends receive = now and clock = now + offset, whether or not anything listens yet.
 */
final class SockWriter implements AutoCloseable {

    private static final long NS = 1_000_000_000L;

    private final ChronySock sock;
    private final long offsetNanos;
    private final long intervalMillis;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /** Opens the writer (problems are counted, not logged) and starts sending. */
    SockWriter(SockOptions.Builder options, long offsetNanos, long intervalMillis) {
        this.sock = ChronySock.open(options.onProblem(e -> { }).build());
        this.offsetNanos = offsetNanos;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::run, "sock-writer-" + sock.backendName());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                Instant now = Instant.now();
                long clock = now.getEpochSecond() * NS + now.getNano() + offsetNanos;
                sock.update(Math.floorDiv(clock, NS), (int) Math.floorMod(clock, NS), now.getEpochSecond(),
                        now.getNano());
                Thread.sleep(intervalMillis);
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    /** Samples in a socket's buffer so far. */
    long sent() {
        return sock.sent();
    }

    /** Samples dropped so far: nothing listened, or its buffer was full. */
    long dropped() {
        return sock.dropped();
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
        sock.close();
        check();
    }
}
