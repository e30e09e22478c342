/*
 * SPDX-License-Identifier: Apache-2.0
 */
import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmOptions;

import java.time.Instant;

/**
 * Smoke test from a plain command line: opens unit 2 under a private key base (not ntpd's 0x4E545030), writes one
 * sample, reads it back, and removes the segment. Run it with the single-file source launcher, e.g.
 * {@code java -Dntpdshm.backend=jna -cp API_JAR:BACKEND_JAR:LIBRARY_JARS docs/examples/OpenUnit.java}.
 */
public class OpenUnit {
    public static void main(String[] args) {
        ShmOptions options = ShmOptions.builder(2).keyBase(0x6E7FFF00).build();
        try (NtpdShm shm = NtpdShm.open(options)) {
            Instant now = Instant.now();
            shm.update(now.minusMillis(3), now);
            System.out.println("backend=" + shm.backendName() + " layout=" + shm.layout() + " key=0x"
                    + Integer.toHexString(shm.key()) + " read=" + shm.peek());
        } finally {
            NtpdShm.remove(options);
        }
    }
}
