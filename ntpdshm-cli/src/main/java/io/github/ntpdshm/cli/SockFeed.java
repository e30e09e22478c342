/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.ChronySock;
import io.github.ntpdshm.api.SockLayout;
import io.github.ntpdshm.api.SockOptions;

import java.time.Instant;

/** {@code feed --sock PATH}: the same reference clock as {@link Feed}, sent to chrony's SOCK refclock. */
final class SockFeed {

    private final Feed f;

    SockFeed(Feed feed) {
        this.f = feed;
    }

    /** The options every SOCK command shares: path, backend, layout, and problems reported on stderr. */
    static SockOptions.Builder options(ShmCommand c, java.nio.file.Path path, io.github.ntpdshm.api.ShmLayout layout) {
        SockOptions.Builder b = SockOptions.builder(path)
                .onProblem(e -> System.err.println("ntpdshm " + c.spec.name() + ": " + e.getMessage()));
        if (c.backend != null) {
            b.backend(c.backend);
        }
        if (layout != null) {
            b.layout(SockLayout.of(layout));
        }
        return b;
    }

    Integer call() {
        f.check("--leap", () -> ChronySock.checkLeap(f.leap));
        SockOptions options = options(f, f.sock, f.layout).build();
        StopSignal stop = new StopSignal();
        int code = Main.FAILURE;
        long fed = 0;
        long dropped;
        try {
            try (ChronySock sock = ChronySock.open(options)) {
                sock.setLeap(f.leap);
                sock.setPulse(f.pulse);
                if (!f.quiet) {
                    f.out.println("# feeding " + sock.path() + " (chrony SOCK, " + sock.layout().label() + ", backend "
                            + sock.backendName() + "): clock = receive " + Feed.sign(f.offsetNanos) + " every "
                            + Converters.plainSeconds(f.intervalNanos) + " s" + (f.pulse ? ", pulse" : "")
                            + "; Ctrl-C stops");
                }
                long start = System.nanoTime();
                while (!stop.stopped()) {
                    Instant receive = Instant.now();
                    Instant clock = receive.plusNanos(f.offsetNanos);
                    ChronySock.Delivery d = sock.update(clock, receive);
                    fed++;
                    if (!f.quiet) {
                        f.out.println("sock " + sock.path() + "  receive " + Fmt.iso(receive) + "  clock "
                                + Fmt.iso(clock) + "  offset " + Fmt.offset(f.offsetNanos) + "  leap " + f.leap
                                + "  pulse " + (f.pulse ? 1 : 0) + "  " + d.name().toLowerCase(java.util.Locale.ROOT));
                        if (f.out.checkError()) {
                            break;  // stdout is gone (e.g. `| head`): the JVM ignores SIGPIPE, so stop here
                        }
                    }
                    if (f.count != null && fed >= f.count) {
                        break;
                    }
                    if (!stop.sleepUntil(start + fed * f.intervalNanos)) {
                        break;
                    }
                }
                dropped = sock.dropped();
            }
            f.out.println("fed " + fed + " samples to " + f.sock + " (" + (fed - dropped) + " sent, " + dropped
                    + " dropped: nothing listened or its buffer was full)");
            f.out.flush();
            code = 0;
            return 0;
        } finally {
            stop.finish(code);
        }
    }
}
