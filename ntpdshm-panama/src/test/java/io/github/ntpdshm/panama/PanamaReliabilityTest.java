/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.panama;

import io.github.ntpdshm.conformance.ReliabilitySuite;

/** The reliability group against the Panama backend. */
class PanamaReliabilityTest extends ReliabilitySuite {

    @Override
    protected String backend() {
        return "panama";
    }
}
