package io.github.ntpdshm.conformance;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

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

    /** Whether this process may run one as {@code nobody}: it must be root and have setpriv. */
    public static boolean available() {
        return effectiveUid() == 0 && Files.isExecutable(SETPRIV);
    }

    /** This process's effective uid, from {@code /proc/self/status}; -1 if unknown. */
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

    /** Runs {@code mainClass} with {@code args} as nobody and returns its combined output. */
    public static String runAsNobody(String mainClass, List<String> args, int timeoutSeconds) throws IOException {
        Path cp = classPath();
        // Under qemu-user this process's executable is qemu: scripts/platforms.sh names the JVM's own launcher.
        String java = System.getProperty("ntpdshm.test.java",
                ProcessHandle.current().info().command().orElse("java"));
        List<String> cmd = new ArrayList<>(Arrays.asList(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", java, "--enable-native-access=ALL-UNNAMED", "-Duser.home=" + cp,
                // JNA and jffi unpack their native stubs; nobody cannot write root's caches
                "-Djna.tmpdir=" + cp.resolve("tmp"), "-Djava.io.tmpdir=" + cp.resolve("tmp"),
                "-cp", cp.resolve("*") + File.pathSeparator + cp.resolve("classes"), mainClass));
        cmd.addAll(args);
        return CPeer.run(cmd, timeoutSeconds).output;
    }

    /**
     * This JVM's class path copied where nobody can read it (jars in ~/.m2 under /root are not), once per JVM and
     * removed when it exits.
     */
    public static synchronized Path classPath() throws IOException {
        if (classPath != null) {
            return classPath;
        }
        Path dir = Files.createTempDirectory("ntpdshm-cp");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Paths.get(entry);
            if (Files.isDirectory(p)) {
                copyTree(p, classes);
            } else if (Files.isRegularFile(p)) {
                Files.copy(p, dir.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                return FileVisitResult.CONTINUE;
            }
        });
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        classPath = dir;
        return dir;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temp dir left behind is not worth failing a finished test run
        }
    }
}
