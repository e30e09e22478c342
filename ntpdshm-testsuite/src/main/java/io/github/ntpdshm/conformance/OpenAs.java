/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmOptions;

/**
 * Opens a unit and prints what happened; run in a child JVM as another user by the permission tests.
 * Arguments: backend keyBase(hex) unit rw|ro.
 */
public final class OpenAs {
    private OpenAs() {
    }

    /**
     * Entry point, run as another user by {@link OtherUser}.
     *
     * @param args as {@link OtherUser#runAsNobody} passes them
     */
    public static void main(String[] args) {
        ShmOptions o = ShmOptions.builder(Integer.parseInt(args[2])).keyBase(Integer.parseUnsignedInt(args[1], 16))
                .backend(args[0]).readOnly(args[3].equals("ro")).build();
        try (NtpdShm shm = NtpdShm.open(o)) {
            System.out.println("OPENED layout=" + shm.layout().name() + " read=" + shm.peek().status());
        } catch (NtpdShmException e) {
            System.out.println("FAILED errno=" + e.errnoName() + " op=" + e.operation() + " message=" + e.getMessage());
        }
    }
}
