/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The NtpdShm API ({@code io.github.ntpdshm.api}) and the backend SPI ({@code io.github.ntpdshm.spi}). The
 * backends are found with {@link java.util.ServiceLoader}: on the module path, any module that
 * {@code provides io.github.ntpdshm.spi.ShmBackend}.
 */
@SuppressWarnings("module") // the conformance suite's module is built after this one
module io.github.ntpdshm {
    exports io.github.ntpdshm.api;
    exports io.github.ntpdshm.spi;
    // errno names, key and seconds formatting: shared with ntpdshm's own modules, not an API
    exports io.github.ntpdshm.internal to io.github.ntpdshm.cli, io.github.ntpdshm.testsuite;

    requires java.management;  // Warmup waits for the JIT to go quiet (CompilationMXBean)
    uses io.github.ntpdshm.spi.ShmBackend;
}
