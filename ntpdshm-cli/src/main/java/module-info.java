/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The ntpdshm command-line tool, {@code io.github.ntpdshm.cli.Main}. It holds the package {@code picocli} too,
 * compiled from picocli's published sources (see the module's pom). The backends it uses are found by the
 * API's {@code ServiceLoader}: on the module path, the backend modules there.
 */
@SuppressWarnings("requires-automatic") // the Prometheus client names its modules in its manifests only
module io.github.ntpdshm.cli {
    requires io.github.ntpdshm;
    requires io.prometheus.metrics.exporter.httpserver;
    requires io.prometheus.metrics.model;
    requires java.logging;
    // the Prometheus client's HTTP server is the JDK's
    requires jdk.httpserver;
}
