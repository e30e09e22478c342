/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ntpdshm.api.ShmBackends;
import io.github.ntpdshm.jna.JnaBackend;
import io.github.ntpdshm.jnr.JnrBackend;
import io.github.ntpdshm.spi.Unavailability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Discovery with every backend on the class path, and the reasons a backend gives when it cannot work: Panama
 * below Java 22, a missing library jar, native access denied.
 */
class DiscoveryTest {

    @Test
    void allThreeAreFoundHighestPriorityFirst() {
        List<String> names = ShmBackends.candidates().stream().map(ShmBackends.Candidate::name)
                .collect(Collectors.toList());
        // Panama's provider loads on every Java (it is compiled for 11): listed once, first, available or not
        assertEquals(Arrays.asList("panama", "jna", "jnr"), names, ShmBackends.candidates().toString());
        assertEquals(20, new JnaBackend().priority());
        assertEquals(10, new JnrBackend().priority());
    }

    @Test
    void belowJava22PanamaIsUnavailableWithItsReasonAndJnaIsChosen() {
        assumeTrue(Runtime.version().feature() < 22, "Panama runs on " + Runtime.version());
        ShmBackends.Candidate panama = ShmBackends.candidates().stream().filter(c -> c.name().equals("panama"))
                .findFirst().orElseThrow(() -> new AssertionError(ShmBackends.candidates().toString()));
        assertFalse(panama.isAvailable());
        Throwable cause = panama.unavailabilityCause().orElseThrow(AssertionError::new);
        assertTrue(cause instanceof Unavailability && cause.getMessage().contains("needs Java 22"), cause.toString());
        assertTrue(panama.toString().contains("needs Java 22"), panama.toString());
        assertEquals("jna", ShmBackends.select(null).name());
    }

    @Test
    void onJava22AndNewerPanamaIsChosen() {
        assumeTrue(Runtime.version().feature() >= 22, "Panama cannot run on " + Runtime.version());
        assertTrue(ShmBackends.candidates().stream().allMatch(ShmBackends.Candidate::isAvailable),
                ShmBackends.candidates().toString());
        assertEquals("panama", ShmBackends.select(null).name());
    }

    @Test
    void withoutTheJnaJarJnaSaysSoAndTheOthersStillWork() throws Exception {
        Map<String, String> found = childJvm(withoutJar(".*/net/java/dev/jna/.*"));
        assertTrue(found.get("jna").contains("available=false")
                && found.get("jna").contains("JNA is not on the class path")
                && found.get("jna").contains("net.java.dev.jna:jna"), found.toString());
        assertTrue(found.get("jnr").contains("available=true"), found.toString());
        assertEquals(Runtime.version().feature() >= 22 ? "panama" : "jnr", found.get("SELECTED"));
    }

    @Test
    void withoutJnrFfiJnrSaysSoAndTheOthersStillWork() throws Exception {
        Map<String, String> found = childJvm(withoutJar(".*/com/github/jnr/.*"));
        assertTrue(found.get("jnr").contains("available=false")
                && found.get("jnr").contains("jnr-ffi is not on the class path")
                && found.get("jnr").contains("com.github.jnr:jnr-ffi"), found.toString());
        assertTrue(found.get("jna").contains("available=true"), found.toString());
        assertEquals(Runtime.version().feature() >= 22 ? "panama" : "jna", found.get("SELECTED"));
    }

    @Test
    void withoutJffisNativeJarJnrSaysWhichJarIsMissing() throws Exception {
        Map<String, String> found = childJvm(withoutJar(".*/com/github/jnr/jffi/.*-native\\.jar"));
        assertTrue(found.get("jnr").contains("available=false")
                && found.get("jnr").contains("com.github.jnr:jffi:native"), found.toString());
        assertTrue(found.get("jna").contains("available=true"), found.toString());
    }

    @Test
    void deniedNativeAccessIsAReasonNotACrash() throws Exception {
        assumeTrue(Runtime.version().feature() >= 24, "--illegal-native-access exists from Java 24");
        Map<String, String> found = childJvm(System.getProperty("java.class.path"), "--illegal-native-access=deny");
        for (String name : new String[] {"panama", "jna", "jnr"}) {
            assertTrue(found.get(name).contains("available=false") && found.get(name).contains("native access is denied")
                    && found.get(name).contains("--enable-native-access=ALL-UNNAMED"), name + ": " + found);
        }
        assertTrue(found.get("SELECTED").startsWith("FAILED") && found.get("SELECTED").contains("no usable"),
                found.toString());
    }

    /** This JVM's class path without the entries matching a regular expression. */
    private static String withoutJar(String pathPattern) {
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.replace(File.separatorChar, '/').matches(pathPattern))
                .collect(Collectors.joining(File.pathSeparator));
        assertFalse(cp.equals(System.getProperty("java.class.path")), "no jar matched " + pathPattern);
        return cp;
    }

    /** Runs {@link ListBackends}; returns each candidate's line by name, and {@code SELECTED}. */
    private static Map<String, String> childJvm(String classPath, String... flags)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(Arrays.asList(flags.length > 0 ? flags : new String[] {"--enable-native-access=ALL-UNNAMED"}));
        cmd.addAll(Arrays.asList("-cp", classPath, ListBackends.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung: " + out);
        assertEquals(0, p.exitValue(), out);
        Map<String, String> found = new TreeMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("CANDIDATE ")) {
                String[] parts = line.split(" ", 3);
                found.put(parts[1], parts[2]);
            } else if (line.startsWith("SELECTED ")) {
                found.put("SELECTED", line.substring("SELECTED ".length()));
            } else if (line.startsWith("SELECT FAILED ")) {
                found.put("SELECTED", "FAILED " + line.substring("SELECT FAILED ".length()));
            } else if (!line.isEmpty()) {
                found.merge("OTHER", line, (a, b) -> a + "\n" + b);
            }
        }
        assertFalse(found.containsKey("OTHER"), "unexpected output (stderr is merged): " + found.get("OTHER"));
        return found;
    }
}
