/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.jnr;

import io.github.ntpdshm.conformance.ReliabilitySuite;

/** The reliability group against the JNR backend. */
class JnrReliabilityTest extends ReliabilitySuite {

    @Override
    protected String backend() {
        return "jnr";
    }
}
