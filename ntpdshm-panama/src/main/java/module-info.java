/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The {@code java.lang.foreign} backend: {@code io.github.ntpdshm.panama.PanamaBackend}, found by the API's
 * {@code ServiceLoader}. The module resolves on Java 11+; its backend works on 22+ and says so below.
 */
module io.github.ntpdshm.panama {
    requires io.github.ntpdshm;

    provides io.github.ntpdshm.spi.ShmBackend with io.github.ntpdshm.panama.PanamaBackend;
}
