/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ctrl-C and SIGTERM for a loop: the JVM's shutdown hook asks the loop to stop, waits until it has finished its
 * current sample, detached and printed its summary ({@link #finish(int)}), then ends the JVM with the loop's exit
 * code instead of the 130/143 a signal would give.
 */
final class StopSignal {
    private final Thread worker = Thread.currentThread();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "ntpdshm-stop");
    private volatile boolean stop;
    private volatile int exitCode = 1;

    StopSignal() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onShutdown() {
        stop = true;
        // unpark, not interrupt: an interrupt would close a file channel the loop may be reading (/proc/sysvipc/shm)
        LockSupport.unpark(worker);
        try {
            finished.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.flush();
        System.err.flush();
        // exit() would block inside a shutdown hook; halt() ends with the loop's own code
        Runtime.getRuntime().halt(exitCode);
    }

    /** Whether a stop was requested. */
    boolean stopped() {
        return stop;
    }

    /** Sleeps until {@code deadline} ({@link System#nanoTime()}); false if a stop came first. */
    boolean sleepUntil(long deadline) {
        while (!stop) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(left);
        }
        return false;
    }

    /** The loop is done (detached, summary printed): lets a pending shutdown end the JVM with this code. */
    void finish(int code) {
        exitCode = code;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // the hook is waiting for us
        }
        finished.countDown();
    }
}
