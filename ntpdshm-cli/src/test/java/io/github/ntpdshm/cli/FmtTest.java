/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FmtTest {

    /** What the C library says, independently of the tool: the first field of {@code getent passwd UID}. */
    private static String libc(int uid) throws Exception {
        Process p = new ProcessBuilder("getent", "passwd", Integer.toString(uid)).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        p.waitFor();
        String line = out.toString(StandardCharsets.UTF_8);
        return line.isEmpty() ? null : line.substring(0, line.indexOf(':'));
    }

    @Test
    void userNamesComeFromTheCLibrary() throws Exception {
        assertEquals("root", Fmt.userName(0));
        for (int uid : new int[] {1, 2, 65534}) {
            assertEquals(libc(uid), Fmt.userName(uid), "uid " + uid);
        }
        assertNull(Fmt.userName(1_999_999_999), "no such user");
        assertEquals("1999999999", Fmt.owner(1_999_999_999));
    }

    /** A saturated difference (a hostile time stamp) is no age or offset of 292 years, in text or in JSON. */
    @Test
    void saturatedAgesAndOffsetsShowAsOutOfRange() {
        for (long saturated : new long[] {Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(Fmt.OUT_OF_RANGE, Fmt.age(saturated));
            assertEquals(Fmt.OUT_OF_RANGE, Fmt.offset(saturated));
            assertEquals("null", Fmt.jsonSeconds(saturated));
            assertEquals("null", Fmt.jsonNanos(saturated));
        }
        assertEquals("9223372036.854 s", Fmt.age(Long.MAX_VALUE - 1), "the largest age that is one");
        assertEquals("-1.500 s", Fmt.age(-1_500_000_000L));
        assertEquals("+0.500000000 s", Fmt.offset(500_000_000L));
        assertEquals("-1.000000000", Fmt.jsonSeconds(-1_000_000_000L));
        assertEquals("-1000000000", Fmt.jsonNanos(-1_000_000_000L));
    }
}
