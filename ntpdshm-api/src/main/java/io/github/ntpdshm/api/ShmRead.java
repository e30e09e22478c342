/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import java.util.Optional;

/**
 * What one read of a unit found: a sample, or why there was none. Immutable.
 *
 * <p>A {@link Status#CLASH} means the writer changed the sample while it was being copied (mode 1, count
 * changed); its data are never handed out.
 */
public final class ShmRead {

    /** The outcome of a read. */
    public enum Status {
        /** A sample was read. */
        OK,
        /** {@code valid} was 0: no new sample since the last consuming read (or none yet). */
        NOT_VALID,
        /** Mode 1 and {@code count} changed during the copy: the sample is lost, as ntpd counts it. */
        CLASH,
        /** {@code mode} was neither 0 nor 1: the writer speaks another protocol; ntpd reports an error. */
        BAD_MODE
    }

    private static final ShmRead NOT_VALID = new ShmRead(Status.NOT_VALID, null, 0, 0, 0);

    private final Status status;
    private final ShmSample sample;
    private final int mode;
    private final int countBefore;
    private final int countAfter;

    private ShmRead(Status status, ShmSample sample, int mode, int countBefore, int countAfter) {
        this.status = status;
        this.sample = sample;
        this.mode = mode;
        this.countBefore = countBefore;
        this.countAfter = countAfter;
    }

    static ShmRead notValid() {
        return NOT_VALID;
    }

    static ShmRead ok(ShmSample sample, int countAfter) {
        return new ShmRead(Status.OK, sample, sample.mode(), sample.count(), countAfter);
    }

    static ShmRead clash(int mode, int countBefore, int countAfter) {
        return new ShmRead(Status.CLASH, null, mode, countBefore, countAfter);
    }

    static ShmRead badMode(int mode, int count) {
        return new ShmRead(Status.BAD_MODE, null, mode, count, count);
    }

    /** {@return the outcome} */
    public Status status() {
        return status;
    }

    /** {@return whether a sample was read} */
    public boolean isOk() {
        return status == Status.OK;
    }

    /** {@return the sample when {@link #status()} is {@link Status#OK}, else empty} */
    public Optional<ShmSample> sample() {
        return Optional.ofNullable(sample);
    }

    /** {@return {@code mode} as read (0 when not valid)} */
    public int mode() {
        return mode;
    }

    /** {@return {@code count} before the copy (0 when not valid)} */
    public int countBefore() {
        return countBefore;
    }

    /** {@return {@code count} after the copy; differs from {@link #countBefore()} on a clash} */
    public int countAfter() {
        return countAfter;
    }

    @Override
    public String toString() {
        switch (status) {
            case OK:
                return "OK " + sample;
            case CLASH:
                return "CLASH (count " + countBefore + " -> " + countAfter + " during the read; sample lost)";
            case BAD_MODE:
                return "BAD_MODE (mode " + mode + ", expected 0 or 1)";
            default:
                return "NOT_VALID (no new sample)";
        }
    }
}
