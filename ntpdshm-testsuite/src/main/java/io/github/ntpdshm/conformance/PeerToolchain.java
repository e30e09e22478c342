/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.conformance;

import io.github.ntpdshm.api.ShmLayout;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * How to build and run a C peer that lays {@code struct shmTime} out in a given layout, as seen from the JVM under
 * test: a C compiler for an ABI with that layout and this JVM's byte order, and the command that runs its binaries.
 * The compilers are Debian's cross compilers ({@code scripts/test.sh} and {@code scripts/platforms.sh} install them).
 *
 * <p>The JVM may itself run under qemu-user (the foreign-architecture runs, {@code scripts/platforms.sh}): then the
 * peers are cross-compiled for its architecture and run through {@code qemu-ARCH}, because a process started from an
 * emulated JVM is executed by the host kernel, which knows only the host's binaries. 32-bit x86 peers run natively
 * where the kernel has IA-32 emulation and under {@code qemu-i386} where it has not, or when
 * {@code NTPDSHM_EMULATE_I386=1} asks for it (so that CI on an i386-capable kernel proves the emulated path too).
 *
 * <table>
 *   <caption>The peer for each layout, by the architecture of the JVM under test</caption>
 *   <tr><th>JVM</th><th>LP64 (96)</th><th>ILP32 (80)</th><th>ILP32_TIME64 (88)</th></tr>
 *   <tr><td>amd64, i386</td><td>gcc</td><td>i686 gcc</td><td>i686 gcc -D_TIME_BITS=64</td></tr>
 *   <tr><td>aarch64, ppc64le</td><td>its own cross gcc</td><td>armhf gcc</td><td>i686 gcc -D_TIME_BITS=64</td></tr>
 *   <tr><td>arm (armhf)</td><td>armhf gcc -D_TIME_BITS=64</td><td>armhf gcc</td><td>i686 gcc -D_TIME_BITS=64</td></tr>
 *   <tr><td>s390x (big-endian)</td><td>s390x gcc</td><td colspan="2">none: Debian has no big-endian 32-bit C
 *   library, so these tests are skipped there and say why</td></tr>
 * </table>
 */
public final class PeerToolchain {

    /** Environment variable that forces the 32-bit x86 peers to run under qemu-i386. */
    public static final String EMULATE_I386 = "NTPDSHM_EMULATE_I386";

    private final String target;
    private final List<String> compiler;
    private final List<String> runner;

    private PeerToolchain(String target, List<String> compiler, List<String> runner) {
        this.target = target;
        this.compiler = Collections.unmodifiableList(compiler);
        this.runner = Collections.unmodifiableList(runner);
    }

    /** {@return the architecture of the JVM under test, as {@code os.arch} names it} */
    public static String jvmArch() {
        return System.getProperty("os.arch", "");
    }

    /**
     * The toolchain that gives {@code layout} with this JVM's byte order, or empty where none exists here
     * (32-bit layouts on big-endian s390x).
     *
     * @param layout the layout a peer should have
     * @return its toolchain, or empty
     */
    public static Optional<PeerToolchain> forLayout(ShmLayout layout) {
        String arch = jvmArch();
        boolean bigEndian = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
        switch (layout) {
            case LP64:
                switch (arch) {
                    case "amd64":
                    case "x86_64":
                    case "x86":
                    case "i386":
                        return Optional.of(host());
                    case "aarch64":
                        return Optional.of(cross("arm64", "aarch64-linux-gnu-gcc", "qemu-aarch64"));
                    case "arm":
                        return Optional.of(cross("armhf, 64-bit time_t", "arm-linux-gnueabihf-gcc", "qemu-arm",
                                "-D_TIME_BITS=64", "-D_FILE_OFFSET_BITS=64"));
                    case "ppc64le":
                        return Optional.of(cross("ppc64el", "powerpc64le-linux-gnu-gcc", "qemu-ppc64le"));
                    case "s390x":
                        return Optional.of(cross("s390x", "s390x-linux-gnu-gcc", "qemu-s390x"));
                    default:
                        throw new IllegalStateException("no C peer toolchain is known for os.arch=" + arch);
                }
            case ILP32:
                if (bigEndian) {
                    return Optional.empty();
                }
                if (arch.equals("aarch64") || arch.equals("arm") || arch.equals("ppc64le")) {
                    return Optional.of(cross("armhf", "arm-linux-gnueabihf-gcc", "qemu-arm"));
                }
                return Optional.of(i386("i386"));
            default:
                if (bigEndian) {
                    return Optional.empty();
                }
                return Optional.of(i386("i386, 64-bit time_t", "-D_TIME_BITS=64", "-D_FILE_OFFSET_BITS=64"));
        }
    }

    /**
     * Why {@link #forLayout} is empty for a layout, for a test's skip message.
     *
     * @param layout the layout no toolchain here gives
     * @return the reason, as a sentence
     */
    public static String missingReason(ShmLayout layout) {
        return "no C peer for layout " + layout.label() + " on " + jvmArch() + ": Debian has no C library for a"
                + " 32-bit big-endian ABI, so no C compiler here lays out struct shmTime that way";
    }

    private static PeerToolchain host() {
        return new PeerToolchain("x86_64", new ArrayList<>(Arrays.asList("gcc")), new ArrayList<>());
    }

    private static PeerToolchain cross(String target, String gcc, String qemu, String... flags) {
        // Static, so that qemu needs no sysroot for the peer's own C library.
        List<String> cc = new ArrayList<>(Arrays.asList(gcc, "-static"));
        cc.addAll(Arrays.asList(flags));
        return new PeerToolchain(target, cc, new ArrayList<>(Arrays.asList(qemu)));
    }

    private static PeerToolchain i386(String target, String... flags) {
        List<String> cc = new ArrayList<>(I386_GCC);
        cc.addAll(Arrays.asList(flags));
        return new PeerToolchain(target, cc, I386Runner.prefix());
    }

    /**
     * The i386 compiler: Debian's i686 cross gcc, static. Not {@code gcc -m32}: Debian's gcc-multilib conflicts with
     * every cross compiler the other architectures need, and without it {@code -m32} lacks the kernel headers.
     */
    static final List<String> I386_GCC = Collections.unmodifiableList(Arrays.asList("i686-linux-gnu-gcc", "-static"));

    /** {@return the ABI the peer is built for, e.g. {@code "armhf, 64-bit time_t"}} */
    public String target() {
        return target;
    }

    /** {@return the compiler and its ABI flags, without sources or output} */
    public List<String> compiler() {
        return compiler;
    }

    /** {@return what goes before a peer binary on its command line: empty, or {@code qemu-ARCH}} */
    public List<String> runner() {
        return runner;
    }

    /** {@return for messages and summaries: {@code "aarch64-linux-gnu-gcc -static, run by qemu-aarch64"}} */
    public String describe() {
        return String.join(" ", compiler) + (runner.isEmpty() ? "" : ", run by " + String.join(" ", runner));
    }

    @Override
    public String toString() {
        return target + ": " + describe();
    }
}
