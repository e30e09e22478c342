/*
 * SPDX-License-Identifier: Apache-2.0
 */

/** The JNA backend: {@code io.github.ntpdshm.jna.JnaBackend}, found by the API's {@code ServiceLoader}. */
@SuppressWarnings("requires-automatic") // JNA's jar names its module in its manifest only
module io.github.ntpdshm.jna {
    requires io.github.ntpdshm;
    requires com.sun.jna;

    provides io.github.ntpdshm.spi.ShmBackend with io.github.ntpdshm.jna.JnaBackend;
}
