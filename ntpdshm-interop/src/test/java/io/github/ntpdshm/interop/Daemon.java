/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A peer process this suite started (a daemon in the foreground, or a one-shot tool), with its output in a log
 * file. It is stopped by the PID this suite started (SIGTERM, then SIGKILL after 5 s), never by name.
 */
final class Daemon implements AutoCloseable {

    private static final List<Daemon> STARTED = new ArrayList<>();

    private final String name;
    private final Process process;
    private final Path log;

    private Daemon(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code cmd} with stdout and stderr into {@code log}. */
    static Daemon start(String name, Path log, List<String> cmd, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        Daemon d = new Daemon(name, p, log);
        synchronized (STARTED) {
            STARTED.add(d);
        }
        return d;
    }

    /** PIDs of every process this suite started that still runs. */
    static List<Long> runningPids() {
        List<Long> out = new ArrayList<>();
        synchronized (STARTED) {
            for (Daemon d : STARTED) {
                if (d.process.isAlive()) {
                    out.add(d.process.pid());
                }
            }
        }
        return out;
    }

    /** Stops everything this suite started and that still runs (the AfterAll safety net). */
    static void stopAll() {
        List<Daemon> all;
        synchronized (STARTED) {
            all = new ArrayList<>(STARTED);
        }
        for (Daemon d : all) {
            d.close();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String name() {
        return name;
    }

    Path logFile() {
        return log;
    }

    /** The log so far ("" if unreadable). */
    String log() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits for a one-shot tool to end by itself; stops it after the timeout. Returns the exit code or -1. */
    int await(long timeoutMillis) throws InterruptedException {
        if (process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            forget();
            return process.exitValue();
        }
        close();
        return -1;
    }

    /** SIGTERM to this PID, wait up to 5 s, then SIGKILL. Idempotent. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        forget();
    }

    private void forget() {
        synchronized (STARTED) {
            STARTED.remove(this);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
