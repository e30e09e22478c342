/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmLayout;
import io.github.ntpdshm.api.ShmRead;
import io.github.ntpdshm.api.ShmSample;
import io.github.ntpdshm.api.ShmSegment;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A Prometheus exporter for units, read-only, on the official Prometheus Java client's HTTP server. */
@Command(name = "exporter", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        header = "Serve Prometheus metrics of units (offset, age, verdicts...), read-only.",
        sortOptions = false,
        description = {"Serves http://HOST:PORT/metrics for Prometheus: per unit the latest sample's offset and age,"
                + " the samples and clashes seen, leap, precision, valid, the segment's facts (ntpdshm_segment_info)"
                + " and doctor's verdict per daemon (ntpdshm_would_accept). Attaches read-only and only peeks: it never"
                + " clears valid, so it never steals a sample from ntpd or chrony.",
                "Watches the units every INTERVAL; a segment removed or created again is attached again. Ctrl-C or"
                        + " SIGTERM stops it. Under systemd (Type=notify) it reports readiness and the watchdog.", ""})
final class Exporter extends ShmCommand {

    private static final long SECOND = 1_000_000_000L;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
            description = "where to serve /metrics, e.g. 127.0.0.1:9817 or :9817 (every address)")
    Converters.HostPort listen;

    @Option(names = {"-U", "--units"}, paramLabel = "LIST", defaultValue = "0-7", converter = Converters.Units.class,
            description = "units to export: 0-7, 2, 0,2,4-6 or all (default: ${DEFAULT-VALUE})")
    Converters.UnitSet unitSet;

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "10ms",
            converter = Converters.Duration.class,
            description = "how often to look for new samples (default: ${DEFAULT-VALUE})")
    long intervalNanos;

    @Option(names = "--ntp-conf", paramLabel = "FILE", description = "ntpd's configuration for the verdicts, or none")
    String ntpConf;

    @Option(names = "--chrony-conf", paramLabel = "FILE", description = "chrony's configuration for the verdicts, or none")
    String chronyConf;

    @Option(names = {"-q", "--quiet"}, description = "print nothing but errors (for a service's journal)")
    boolean quiet;

    /** One exported unit: its handle while attached and what the poller counted. */
    private static final class Watched {
        final int unit;
        NtpdShm handle;
        int shmid = -1;
        ShmSample last;
        long samples;
        long clashes;
        String refused;

        Watched(int unit) {
            this.unit = unit;
        }
    }

    private final Map<Integer, Watched> units = new TreeMap<>();
    private ShmRules rules;
    /** After the first look: attaches from then on are news worth a line. */
    private boolean started;

    @Override
    public Integer call() throws IOException {
        rules = new ShmRules(ShmLayout.platform(), DaemonConfigs.ntpd(ntpConf), DaemonConfigs.chrony(chronyConf));
        for (int u : unitSet.units) {
            units.put(u, new Watched(u));
        }
        StopSignal stop = new StopSignal();
        int code = Main.FAILURE;
        HTTPServer server = null;
        try {
            recheck();
            started = true;
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register((MultiCollector) this::collect);
            try {
                HTTPServer.Builder b = HTTPServer.builder().port(listen.port).registry(registry);
                if (listen.host != null) {
                    b.hostname(listen.host);
                }
                server = b.buildAndStart();
            } catch (IOException e) {
                throw new CliException("cannot listen on " + listen + ": " + e.getMessage() + ". Is another process"
                        + " using the port? Pick another with --listen HOST:PORT");
            }
            if (!quiet) {
                out.println("# ntpdshm exporter: http://" + listen.display() + ":" + server.getPort() + "/metrics, units "
                        + unitSet + " under key base " + Fmt.hex(keyBase) + ", read-only (never clears valid);"
                        + " Ctrl-C stops");
                out.flush();
            }
            SdNotify notify = SdNotify.fromEnvironment();
            notify.ready("exporting units " + unitSet);
            long start = System.nanoTime();
            long tick = start;
            long nextCheck = start + SECOND;
            while (!stop.stopped()) {
                synchronized (units) {
                    for (Watched w : units.values()) {
                        poll(w);
                    }
                }
                if (System.nanoTime() - nextCheck >= 0) {
                    recheck();
                    notify.watchdog();
                    nextCheck += SECOND;
                }
                tick += intervalNanos;
                if (!stop.sleepUntil(tick)) {
                    break;
                }
                if (System.nanoTime() - tick > SECOND) {
                    tick = System.nanoTime();
                    nextCheck = tick;
                }
            }
            notify.stopping();
            code = 0;
            return 0;
        } finally {
            if (server != null) {
                server.stop();
            }
            synchronized (units) {
                for (Watched w : units.values()) {
                    detach(w);
                }
            }
            stop.finish(code);
        }
    }

    private void poll(Watched w) {
        if (w.handle == null) {
            return;
        }
        ShmRead r = w.handle.peek();
        if (r.status() == ShmRead.Status.CLASH) {
            w.clashes++;
            return;
        }
        if (!r.isOk()) {
            return;
        }
        ShmSample s = r.sample().get();
        if (w.last == null || s.count() != w.last.count() || !s.receiveTimeStamp().equals(w.last.receiveTimeStamp())
                || !s.clockTimeStamp().equals(w.last.clockTimeStamp())) {
            if (w.last != null) {
                w.samples++;  // the one there at attach time was not seen arriving
            }
            w.last = s;
        }
    }

    /** Attaches units that appeared; a segment removed or created again (another shmid) is dropped and attached anew. */
    private void recheck() {
        Map<Integer, ShmSegment> byKey = new HashMap<>();
        for (ShmSegment s : ShmSegment.list()) {
            byKey.put(s.key(), s);
        }
        synchronized (units) {
            for (Watched w : units.values()) {
                ShmSegment seg = byKey.get(keyBase + w.unit);
                if (w.handle != null && (seg == null || seg.shmid() != w.shmid)) {
                    detach(w);
                    note("unit " + w.unit + ": segment " + (seg == null ? "removed" : "created again (shmid "
                            + seg.shmid() + ")"));
                }
                if (seg == null || w.handle != null || seg.shmid() == w.shmid) {
                    continue;
                }
                try {
                    w.handle = NtpdShm.open(options(w.unit).readOnly(true).build());
                    w.shmid = seg.shmid();
                    w.refused = null;
                    if (started) {
                        note("unit " + w.unit + ": segment attached (shmid " + seg.shmid() + ")");
                    }
                } catch (NtpdShmException e) {
                    if (e.operation().equals("backend")) {
                        throw e;
                    }
                    w.shmid = seg.shmid();  // do not retry the same segment every second
                    w.refused = e.getMessage();
                    System.err.println("ntpdshm exporter: unit " + w.unit + " skipped: " + Main.toolWords(e.getMessage()));
                }
            }
        }
    }

    private static void detach(Watched w) {
        if (w.handle != null) {
            w.handle.close();
            w.handle = null;
        }
        w.last = null;
        w.shmid = -1;
    }

    private void note(String text) {
        if (!quiet) {
            out.println("# " + text);
            out.flush();
        }
    }

    // ---- the scrape ---------------------------------------------------------------------------------------

    private MetricSnapshots collect() {
        GaugeSnapshot.Builder present = gauge("ntpdshm_segment_present", "1 if the unit's segment exists and is attached");
        GaugeSnapshot.Builder offset = gauge("ntpdshm_offset_seconds",
                "clock - receive time stamp of the latest sample (the reference clock's offset)").unit(Unit.SECONDS);
        GaugeSnapshot.Builder age = gauge("ntpdshm_sample_age_seconds", "now - receive time stamp of the latest sample")
                .unit(Unit.SECONDS);
        CounterSnapshot.Builder samples = CounterSnapshot.builder().name("ntpdshm_samples")
                .help("new samples seen by this exporter");
        CounterSnapshot.Builder clashes = CounterSnapshot.builder().name("ntpdshm_clashes")
                .help("reads that met a writer mid-sample (read again, nothing lost)");
        GaugeSnapshot.Builder accept = gauge("ntpdshm_would_accept",
                "1 if the daemon would accept the latest sample now (ntpdshm doctor's verdict), else 0");
        GaugeSnapshot.Builder leap = gauge("ntpdshm_leap", "leap indicator: 0 none, 1 insert, 2 delete, 3 not in sync");
        GaugeSnapshot.Builder precision = gauge("ntpdshm_precision_seconds", "2^precision of the latest sample")
                .unit(Unit.SECONDS);
        GaugeSnapshot.Builder valid = gauge("ntpdshm_valid", "the segment's valid flag (0 after a consumer took the sample)");
        GaugeSnapshot.Builder mode = gauge("ntpdshm_mode", "the segment's mode (0 or 1; anything else is refused)");
        GaugeSnapshot.Builder size = gauge("ntpdshm_segment_size_bytes", "the segment's size").unit(Unit.BYTES);
        GaugeSnapshot.Builder attaches = gauge("ntpdshm_segment_attached_processes", "processes attached, this one included");
        InfoSnapshot.Builder info = InfoSnapshot.builder().name("ntpdshm_segment")
                .help("the segment's facts: key, layout, owner, permissions, backend");
        Map<Integer, ShmSegment> byKey = new HashMap<>();
        for (ShmSegment s : ShmSegment.list()) {
            byKey.put(s.key(), s);
        }
        Map<Integer, Map<Long, String>> maps = UnitFacts.attachedByKey();
        synchronized (units) {
            for (Watched w : units.values()) {
                String u = Integer.toString(w.unit);
                Labels l = Labels.of("unit", u);
                ShmSegment seg = byKey.get(keyBase + w.unit);
                boolean attached = w.handle != null && seg != null && seg.shmid() == w.shmid;
                present.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(attached ? 1 : 0).build());
                samples.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(w.samples).build());
                clashes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(w.clashes).build());
                if (!attached) {
                    continue;
                }
                UnitFacts f = UnitFacts.of(w.handle, Optional.of(seg), maps.getOrDefault(keyBase + w.unit, new TreeMap<>()));
                ShmSample s = f.raw.sample;
                if (f.raw.everWritten()) {
                    offset.dataPoint(point(l, s.offsetNanos() / 1e9));
                    age.dataPoint(point(l, f.ageNanos() / 1e9));
                }
                for (ShmRules.Daemon d : ShmRules.Daemon.values()) {
                    ShmRules.Verdict v = rules.judge(d, f);
                    accept.dataPoint(point(Labels.of("daemon", d.key, "unit", u), v.accept() ? 1 : 0));
                }
                leap.dataPoint(point(l, s.leap()));
                precision.dataPoint(point(l, Math.pow(2, s.precision())));
                valid.dataPoint(point(l, f.raw.valid ? 1 : 0));
                mode.dataPoint(point(l, s.mode()));
                size.dataPoint(point(l, seg.size()));
                attaches.dataPoint(point(l, seg.attachCount()));
                info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of(
                        "backend", w.handle.backendName(),
                        "key", Fmt.hex(seg.key()),
                        "layout", seg.layout().map(Enum::name).orElse("unknown"),
                        "owner", Fmt.owner(seg.uid()),
                        "permissions", Fmt.octal(seg.permissions()),
                        "unit", u)).build());
            }
        }
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> all = new ArrayList<>();
        all.add(present.build());
        all.add(offset.build());
        all.add(age.build());
        all.add(samples.build());
        all.add(clashes.build());
        all.add(accept.build());
        all.add(leap.build());
        all.add(precision.build());
        all.add(valid.build());
        all.add(mode.build());
        all.add(size.build());
        all.add(attaches.build());
        all.add(info.build());
        return new MetricSnapshots(all);
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
