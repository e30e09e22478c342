/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The table fidelity.sh writes, from series lines as Fidelity, the C writer and the Python writer print them. */
class FidelityTableTest {

    @Test
    void statsAreMedianNearestRankP99AndMaxInMicroseconds() {
        assertEquals("3.00 / 5.00 / 5.00", FidelityTable.stats(new long[] {5000, 1000, 3000}));
        assertEquals("—", FidelityTable.stats(new long[0]));
    }

    @Test
    void writersAndReadersGoToTheirTablesWithTheGoalForOursOnly() {
        String md = FidelityTable.table(Arrays.asList(
                "{\"writer\":\"ntpdshm\",\"jdk\":\"25\",\"backend\":\"panama\",\"op\":\"update(double)\",\"hz\":1,"
                        + "\"gcDuringLoop\":0,\"openNs\":150000000,\"firstSampleNs\":1,\"gapNs\":[1500,900,1200],"
                        + "\"callNs\":[800,700,600],\"allocBytes\":[24,0,0],\"gcLogPauses\":0}",
                "{\"writer\":\"ntpdshm\",\"jdk\":\"17\",\"backend\":\"jna\",\"op\":\"update(Instant)\",\"hz\":16,"
                        + "\"gcDuringLoop\":0,\"openNs\":1,\"firstSampleNs\":1,\"gapNs\":[1500,12000],"
                        + "\"callNs\":[1,1],\"allocBytes\":[0,0],\"gcLogPauses\":1}",
                "{\"writer\":\"ntpdshm\",\"jdk\":\"25\",\"backend\":\"panama\",\"op\":\"update(now.plusNanos(-1 s))\","
                        + "\"hz\":1,\"gcDuringLoop\":0,\"openNs\":1,\"firstSampleNs\":1,\"gapNs\":[6000,5000,7000],"
                        + "\"callNs\":[1,1,1],\"allocBytes\":[0,0,0],\"gcLogPauses\":0}",
                "{\"writer\":\"JDK only\",\"jdk\":\"25\",\"backend\":\"jna\",\"op\":\""
                        + Fidelity.Call.FLOOR.label + "\",\"hz\":1,\"gcDuringLoop\":0,\"openNs\":1,"
                        + "\"firstSampleNs\":1,\"gapNs\":[9000,8000,30000],\"callNs\":[1,1,1],"
                        + "\"allocBytes\":[24,24,24],\"gcLogPauses\":0}",
                "{\"writer\":\"machine\",\"jdk\":\"\",\"backend\":\"C, no segment\",\"op\":\"x\",\"hz\":16,"
                        + "\"windowNs\":5000,\"stallNs\":[200,40000,12000,300]}",
                "{\"writer\":\"C\",\"jdk\":\"\",\"backend\":\"gcc -O2\",\"op\":\"ntpd's read (peek)\",\"hz\":1,"
                        + "\"openNs\":1,\"callNs\":[60,50]}",
                ""), "Machine: test");
        assertTrue(md.contains("| ntpdshm | 25 | panama | `update(double)` | 1 | 3 | 1.20 / 1.50 / 1.50 | 1.50 | met |"
                + " 0.70 / 0.80 / 0.80 | 24 / 0 | 0 / 0 | 150.0 |"), md);
        assertTrue(md.contains("| ntpdshm | 17 | jna | `update(Instant)` | 16 | 2 | 6.75 / 12.0 / 12.0 | 1.50 |"
                + " **missed** |"), md);
        assertTrue(md.contains("| C | — | gcc -O2 | `ntpd's read (peek)` | 2 | 0.06 / 0.06 / 0.06 | 0.06 | — | — |"), md);
        assertTrue(md.contains("| ntpdshm | 25 | panama | `update(now.plusNanos(-1 s))` | 1 | 3 | 6.00 / 7.00 / 7.00"
                + " | 6.00 |  |"), md);
        assertTrue(md.contains("| ntpdshm | 25 | panama | 1.20 / 1.50 (1.50) |  |  |  | 6.00 / 7.00 (6.00) |"), md);
        assertTrue(md.contains("| JDK only | 25 | jna |  | 9.00 / 30.0 (9.00) |  |  |  |"), md);
        assertTrue(md.contains("| JDK only | 25 | jna | `" + Fidelity.Call.FLOOR.label + "` | 1 | 3 |"
                + " 9.00 / 30.0 / 30.0 | 9.00 |  |"), md);
        assertTrue(md.contains("| 16 | 4 | 5.00 | 6.15 / 40.0 / 40.0 | 2 | 1 |\n\nMachine: test."), md);
        assertTrue(md.endsWith("backend loading included.\n"), md);
    }
}
