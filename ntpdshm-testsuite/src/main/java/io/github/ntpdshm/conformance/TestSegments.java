/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.ShmOptions;
import io.github.ntpdshm.api.ShmSegment;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A private key base for one test class, far from ntpd's {@code 0x4E5450xx}, and the cleanup that removes every
 * segment under it: through {@code ipcrm}, so that cleanup does not depend on the code under test.
 */
public final class TestSegments {

    private final int keyBase;

    /**
     * A fresh random key base in {@code 0x6E700000..0x6E7FFF00} under which no segment exists yet, so that
     * another test JVM or tool running at the same time never shares it.
     */
    public TestSegments() {
        SecureRandom random = new SecureRandom();
        int base;
        do {
            base = 0x6E700000 | (random.nextInt(0x1000) << 8);
        } while (inUse(base));
        this.keyBase = base;
    }

    private static boolean inUse(int base) {
        for (ShmSegment s : ShmSegment.list()) {
            if (s.key() >= base && s.key() <= base + ShmOptions.MAX_UNIT) {
                return true;
            }
        }
        return false;
    }

    /** {@return the key base} */
    public int keyBase() {
        return keyBase;
    }

    /**
     * The key of a unit.
     *
     * @param unit the unit
     * @return key base + unit
     */
    public int key(int unit) {
        return keyBase + unit;
    }

    /**
     * The key of a unit in the {@code 0x...} form the C peer takes.
     *
     * @param unit the unit
     * @return e.g. {@code "0x6e700102"}
     */
    public String hexKey(int unit) {
        return "0x" + Integer.toHexString(key(unit));
    }

    /**
     * A builder for a unit under this key base and backend.
     *
     * @param unit    the unit
     * @param backend the backend's name
     * @return the builder, to be given a layout or other options
     */
    public ShmOptions.Builder options(int unit, String backend) {
        return ShmOptions.builder(unit).keyBase(keyBase).backend(backend);
    }

    /** {@return the segments under this key base now} */
    public List<ShmSegment> present() {
        List<ShmSegment> out = new ArrayList<>();
        for (ShmSegment s : ShmSegment.list()) {
            if (s.key() >= keyBase && s.key() <= keyBase + ShmOptions.MAX_UNIT) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Removes every segment under this key base and returns those that were still attached (a handle a test
     * did not close): the caller fails the test on any.
     *
     * @return the segments that were still attached
     */
    public List<ShmSegment> removeAll() {
        List<ShmSegment> attached = new ArrayList<>();
        for (ShmSegment s : present()) {
            if (s.attachCount() > 0) {
                attached.add(s);
            }
            CPeer.run(Arrays.asList("ipcrm", "-m", Integer.toString(s.shmid())), 10);
        }
        return attached;
    }
}
