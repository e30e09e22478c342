/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.jna;

import io.github.ntpdshm.conformance.ReliabilitySuite;

/** The reliability group against the JNA backend. */
class JnaReliabilityTest extends ReliabilitySuite {

    @Override
    protected String backend() {
        return "jna";
    }
}
