/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.NtpdShmException;
import io.github.ntpdshm.api.ShmOptions;

/**
 * Everything an unprivileged process might try on a unit root owns, one line each; run as nobody by the
 * reliability group, which then checks that nothing changed. Arguments: backend keyBase(hex) unit.
 */
public final class NobodyAttempts {
    private NobodyAttempts() {
    }

    /**
     * Entry point, run as {@code nobody} by {@link OtherUser}.
     *
     * @param args as {@link OtherUser#runAsNobody} passes them
     */
    public static void main(String[] args) {
        ShmOptions.Builder b = ShmOptions.builder(Integer.parseInt(args[2]))
                .keyBase(Integer.parseUnsignedInt(args[1], 16)).backend(args[0]);
        attempt("open-rw", () -> NtpdShm.open(b.readOnly(false).build()).close());
        attempt("remove", () -> System.out.print(NtpdShm.remove(b.readOnly(false).build()) ? "removed " : ""));
        attempt("peek", () -> {
            try (NtpdShm m = NtpdShm.open(b.readOnly(true).build())) {
                System.out.print(m.peek().status() + " ");
            }
        });
        attempt("remove-ro", () -> {
            try (NtpdShm m = NtpdShm.open(b.readOnly(true).build())) {
                m.removeSegment();
            }
        });
        attempt("consume-ro", () -> {
            try (NtpdShm m = NtpdShm.open(b.readOnly(true).build())) {
                m.consume();
            }
        });
    }

    private static void attempt(String what, Runnable r) {
        System.out.print(what + ": ");
        try {
            r.run();
            System.out.println("done");
        } catch (NtpdShmException e) {
            System.out.println("NtpdShmException " + e.errnoName());
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getSimpleName());
        }
    }
}
