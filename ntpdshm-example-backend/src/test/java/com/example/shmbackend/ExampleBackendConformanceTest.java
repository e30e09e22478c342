/*
 * SPDX-License-Identifier: Apache-2.0
 */
package com.example.shmbackend;

import io.github.ntpdshm.conformance.ConformanceSuite;

/**
 * The whole conformance suite against a backend that is not one of ntpdshm's: all a backend's build needs is this
 * class, the ntpdshm-testsuite test dependency and the backend's service registration.
 */
class ExampleBackendConformanceTest extends ConformanceSuite {

    @Override
    protected String backend() {
        return "example";
    }
}
