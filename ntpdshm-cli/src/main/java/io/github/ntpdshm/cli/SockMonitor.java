package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.SockReceiver;
import io.github.ntpdshm.api.SockSample;

import java.time.Instant;

/** {@code monitor --sock PATH}: chronyd's end of the SOCK refclock, printing each datagram instead of using it. */
final class SockMonitor {

    /** How long one wait for a datagram lasts before the stop signal and the timeout are looked at again. */
    private static final int WAIT_MILLIS = 100;

    private final Monitor m;
    private long samples;
    private long invalid;

    SockMonitor(Monitor monitor) {
        this.m = monitor;
    }

    Integer call() {
        StopSignal stop = new StopSignal();
        int code = Main.FAILURE;
        long start = System.nanoTime();
        try (SockReceiver r = SockReceiver.bind(SockFeed.options(m, m.sock, m.layout).build())) {
            if (!m.json) {
                m.out.println("# ntpdshm monitor: listening on " + r.path() + " as chrony's SOCK refclock ("
                        + r.layout().label() + ", backend " + r.backendName() + "); Ctrl-C stops");
                m.out.printf("# %-6s %-30s %-30s %-30s %13s %2s %5s%n", "", "seen", "receive (tv)",
                        "clock (tv + offset)", "offset (s)", "L", "pulse");
            }
            while (!stop.stopped()) {
                if (m.timeoutNanos != null && System.nanoTime() - start >= m.timeoutNanos) {
                    break;
                }
                SockSample s = r.receive(WAIT_MILLIS);
                if (s == null) {
                    continue;
                }
                print(s, Instant.now());
                if (m.out.checkError() || m.count != null && samples + invalid >= m.count) {
                    break;
                }
            }
            summary(r, System.nanoTime() - start);
            code = 0;
        } finally {
            stop.finish(code);
        }
        return code;
    }

    private void print(SockSample s, Instant seen) {
        if (!s.isValid()) {
            invalid++;
            String why = s.length() != s.layout().size()
                    ? s.length() + " bytes, not " + s.layout().size() + " (another time_t size? see --layout)"
                    : "magic 0x" + Integer.toHexString(s.magic()) + ", not 0x534f434b";
            if (m.json) {
                m.out.println("{\"type\":\"invalid\",\"seen\":" + Fmt.json(Fmt.iso(seen)) + ",\"length\":" + s.length()
                        + ",\"reason\":" + Fmt.json(why) + "}");
            } else {
                m.out.println("# invalid datagram at " + Fmt.iso(seen) + ": " + why + " (chronyd drops it)");
            }
            return;
        }
        samples++;
        String recv = Fmt.iso(s.tvSec(), s.tvUsec() * 1000);
        String clock = Fmt.iso(s.tvSec(), s.tvUsec() * 1000 + s.offsetNanos());
        if (m.json) {
            m.out.println("{\"type\":\"sample\",\"sock\":" + Fmt.json(m.sock.toString()) + ",\"seen\":"
                    + Fmt.json(Fmt.iso(seen)) + ",\"receive\":" + Fmt.json(recv) + ",\"clock\":" + Fmt.json(clock)
                    + ",\"offset_ns\":" + s.offsetNanos() + ",\"offset_s\":" + Fmt.seconds(s.offsetNanos())
                    + ",\"leap\":" + s.leap() + ",\"pulse\":" + s.pulse() + "}");
        } else {
            m.out.printf("sample   %-30s %-30s %-30s %13s %2d %5d%n", Fmt.iso(seen), recv, clock,
                    Fmt.seconds(s.offsetNanos()), s.leap(), s.pulse());
        }
    }

    private void summary(SockReceiver r, long elapsedNanos) {
        if (m.json) {
            m.out.println("{\"type\":\"summary\",\"samples\":" + samples + ",\"invalid\":" + invalid + ",\"seconds\":"
                    + Fmt.seconds(elapsedNanos) + "}");
        } else {
            m.out.println("# " + samples + " sample" + (samples == 1 ? "" : "s") + " and " + invalid + " invalid"
                    + " datagram" + (invalid == 1 ? "" : "s") + " on " + r.path() + " in " + Fmt.age(elapsedNanos)
                    + "; socket file removed");
        }
        m.out.flush();
    }
}
