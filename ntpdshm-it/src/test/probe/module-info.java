/*
 * SPDX-License-Identifier: Apache-2.0
 */

/** An application on the module path that uses ntpdshm: ModulePathTest compiles and runs it. */
module io.github.ntpdshm.probe {
    requires io.github.ntpdshm;
}
