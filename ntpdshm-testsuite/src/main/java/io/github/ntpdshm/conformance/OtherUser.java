/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a main class of this JVM's class path in a child JVM as {@code nobody} (uid 65534), through
 * {@code setpriv}: how the permission tests see a segment the way an unprivileged process does.
 */
public final class OtherUser {

    /** uid and gid of {@code nobody} / {@code nogroup} on Debian. */
    public static final int NOBODY = 65534;
    private static final Path SETPRIV = Paths.get("/usr/bin/setpriv");

    private static Path classPath;

    private OtherUser() {
    }

    /** {@return whether this process may run one as {@code nobody}: it must be root and have setpriv} */
    public static boolean available() {
        return effectiveUid() == 0 && Files.isExecutable(SETPRIV);
    }

    /** {@return this process's effective uid, from {@code /proc/self/status}; -1 if unknown} */
    public static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Runs {@code mainClass} with {@code args} as nobody and returns its combined output.
     *
     * @param mainClass      the class whose {@code main} runs in the child JVM
     * @param args           its arguments
     * @param timeoutSeconds how long it may run
     * @return its stdout followed by its stderr
     * @throws IOException if the child JVM cannot be started
     */
    public static String runAsNobody(String mainClass, List<String> args, int timeoutSeconds) throws IOException {
        Path cp = classPath();
        // Under qemu-user this process's executable is qemu: scripts/platforms.sh names the JVM's own launcher.
        String java = System.getProperty("ntpdshm.test.java",
                ProcessHandle.current().info().command().orElse("java"));
        List<String> cmd = new ArrayList<>(Arrays.asList(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", java, "--enable-native-access=ALL-UNNAMED", "-Duser.home=" + cp,
                // JNA and jffi unpack their native stubs; nobody cannot write root's caches
                "-Djna.tmpdir=" + cp.resolve("tmp"), "-Djava.io.tmpdir=" + cp.resolve("tmp"),
                "-cp", copiedClassPath(cp), mainClass));
        cmd.addAll(args);
        return CPeer.run(cmd, timeoutSeconds).output;
    }

    /**
     * The copies' class path, each jar named: a {@code dir/*} wildcard makes the JVM list the folder, which Debian's
     * 32-bit JDKs under qemu-user cannot do where inode numbers exceed 32 bits (EOVERFLOW), and then drops the jars.
     */
    private static String copiedClassPath(Path cp) {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                entries.add(cp.resolve(Paths.get(entry).getFileName()).toString());
            }
        }
        entries.add(cp.resolve("classes").toString());
        return String.join(File.pathSeparator, entries);
    }

    /**
     * This JVM's class path copied where nobody can read it (jars in ~/.m2 under /root are not), once per JVM and
     * removed when it exits. Copied by {@code cp} and opened up by {@code chmod}: Debian's 32-bit JDKs cannot stat
     * files with 64-bit inode numbers (EOVERFLOW), which some file systems hand out, so Java's own tree walk fails
     * there.
     *
     * @return the copy's folder
     * @throws IOException if it cannot be made
     */
    public static synchronized Path classPath() throws IOException {
        if (classPath != null) {
            return classPath;
        }
        Path dir = Files.createTempDirectory("ntpdshm-cp");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CPeer.run(Arrays.asList("rm", "-rf", dir.toString()), 60)));
        Path classes = dir.resolve("classes");
        List<String> cmd = new ArrayList<>(Arrays.asList("sh", "-c", "set -e; mkdir -p \"$1\"; shift;"
                + " for d in \"$@\"; do if [ -d \"$d\" ]; then cp -R \"$d\"/. \"$0/classes/\";"
                + " elif [ -f \"$d\" ]; then cp \"$d\" \"$0/\"; fi; done; mkdir -p \"$0/tmp\";"
                + " chmod -R a+rX \"$0\"; chmod 1777 \"$0/tmp\"", dir.toString(), classes.toString()));
        cmd.addAll(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        CPeer.Result r = CPeer.run(cmd, 120);
        if (r.exit != 0) {
            throw new IOException("cannot copy the class path for nobody: " + r.describe());
        }
        classPath = dir;
        return dir;
    }
}
