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
}
