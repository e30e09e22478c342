/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table run.sh writes, from a trimmed JMH JSON of a real run (JDK 25: cStore, updateInstants, peekInto). */
class ResultsTableTest {

    @TempDir
    Path dir;

    @Test
    void rowsHaveScoreErrorBytesAndTheRatioToTheirCTwin() throws IOException {
        Path json = dir.resolve("jdk25.json");
        try (InputStream in = ResultsTableTest.class.getResourceAsStream("/jmh-sample.json")) {
            Files.copy(in, json);
        }
        Path md = dir.resolve("RESULTS.md");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ResultsTable.write(new String[] {md.toString(), "Machine: test", json.toString(),
            dir.resolve("missing.json").toString()}, new PrintStream(err, true, "UTF-8"));
        assertTrue(err.toString("UTF-8").contains("skipping " + dir.resolve("missing.json")), err.toString("UTF-8"));
        List<String> lines = Files.readAllLines(md, StandardCharsets.UTF_8);
        assertEquals("| JDK | backend | operation | ns/op ± error | B/op | ratio to C | target |", lines.get(0));
        // 33.04 / 14.81 = 2.23; error sqrt((0.399/33.04)^2 + (0.223/14.81)^2) * 2.23 = 0.04
        assertEquals("| JDK 25.0.3 | panama | update(Instant, Instant) | 33.04 ± 0.40 | 0.00 | 2.23 ± 0.04"
                + " | ≤ 2.0 (panama ≤ 1.5), 0 B |", lines.get(2));
        assertTrue(lines.get(3).startsWith("| JDK 25.0.3 | panama | peek(ShmSample.Mutable) | 26.46 ± 0.12 | 0.00 |"),
                lines.get(3));
        assertEquals("| JDK 25.0.3 | — | C: gpsd's store and fences | 14.81 ± 0.22 | 0.00 | 1.00 ± 0.02 |  |",
                lines.get(4));
        assertTrue(lines.get(6).startsWith("Machine: test. 15 measurements per row"), lines.get(6));
    }

    @Test
    void theJsonReaderTakesJmhsValues() {
        Object v = new ResultsTable.Json("[{\"a\": \"x\\\"y\\u00e9\", \"b\": [1.5e3, -2, true, null], \"c\": {}}]").value();
        Map<?, ?> m = (Map<?, ?>) ((List<?>) v).get(0);
        assertEquals("x\"yé", m.get("a"));
        assertEquals(Arrays.asList(1500.0, -2.0, Boolean.TRUE, null), m.get("b"));
        assertTrue(((Map<?, ?>) m.get("c")).isEmpty());
    }
}
