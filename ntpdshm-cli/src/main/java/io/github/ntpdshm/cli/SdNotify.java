package io.github.ntpdshm.cli;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * systemd's notify protocol for {@code Type=notify} services: READY=1 once serving, WATCHDOG=1 while alive,
 * STOPPING=1 at the end. The messages are datagrams on the unix socket {@code $NOTIFY_SOCKET}; the JDK has unix
 * domain sockets for streams only (no datagrams, JEP 380), so they go through {@code systemd-notify}, which needs
 * {@code NotifyAccess=all} in the unit (the sender is its own process); {@code --no-block} skips its barrier (a
 * wait for systemd to process each message). Without {@code $NOTIFY_SOCKET}: nothing.
 */
final class SdNotify {

    private final boolean enabled;
    private final long watchdogNanos;
    private long lastWatchdog;
    private boolean warned;

    private SdNotify(boolean enabled, long watchdogNanos) {
        this.enabled = enabled;
        this.watchdogNanos = watchdogNanos;
        this.lastWatchdog = System.nanoTime();
    }

    static SdNotify fromEnvironment() {
        String socket = System.getenv("NOTIFY_SOCKET");
        long usec = 0;
        try {
            String w = System.getenv("WATCHDOG_USEC");
            String pid = System.getenv("WATCHDOG_PID");
            if (w != null && (pid == null || pid.equals(Long.toString(ProcessHandle.current().pid())))) {
                usec = Long.parseLong(w.trim());
            }
        } catch (NumberFormatException e) {
            // no watchdog
        }
        return new SdNotify(socket != null && !socket.isEmpty(), usec * 1000L);
    }

    void ready(String status) {
        send("READY=1", "STATUS=" + status);
    }

    /** WATCHDOG=1 at half the interval systemd asked for; call it as often as convenient. */
    void watchdog() {
        if (watchdogNanos > 0 && System.nanoTime() - lastWatchdog >= watchdogNanos / 2) {
            lastWatchdog = System.nanoTime();
            send("WATCHDOG=1");
        }
    }

    void stopping() {
        send("STOPPING=1");
    }

    private void send(String... vars) {
        if (!enabled) {
            return;
        }
        List<String> cmd = new ArrayList<>(Arrays.asList("systemd-notify", "--no-block",
                "--pid=" + ProcessHandle.current().pid()));
        cmd.addAll(Arrays.asList(vars));
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                System.err.println("ntpdshm: $NOTIFY_SOCKET is set but systemd-notify cannot run (" + e.getMessage()
                        + "): systemd gets no readiness or watchdog messages; install systemd or use Type=simple");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
