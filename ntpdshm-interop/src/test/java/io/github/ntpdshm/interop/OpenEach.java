/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.interop;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmOptions;

/**
 * Opens units with every backend given and prints one line each; run as {@code nobody} in a child JVM by the
 * permission checks. Arguments: {@code KEYBASE_HEX UNIT:ro|rw[,UNIT:ro|rw...] BACKEND...}. Output lines:
 * {@code BACKEND UNIT MODE OPENED layout=.. read=..} or {@code BACKEND UNIT MODE FAILED errno=.. message=..}.
 */
public final class OpenEach {
    private OpenEach() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        int keyBase = Integer.parseUnsignedInt(args[0], 16);
        for (int i = 2; i < args.length; i++) {
            String backend = args[i];
            for (String spec : args[1].split(",")) {
                String[] um = spec.split(":");
                ShmOptions o = ShmOptions.builder(Integer.parseInt(um[0])).keyBase(keyBase).backend(backend)
                        .attachOnly().readOnly(um[1].equals("ro")).build();
                String head = backend + " " + um[0] + " " + um[1] + " ";
                try (NtpdShm shm = NtpdShm.open(o)) {
                    System.out.println(head + "OPENED layout=" + shm.layout().name() + " read=" + shm.peek().status());
                } catch (NtpdShmException e) {
                    System.out.println(head + "FAILED errno=" + e.errnoName() + " message=" + e.getMessage());
                }
            }
        }
    }
}
