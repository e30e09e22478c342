package io.github.ntpdshm.api;

import io.github.ntpdshm.spi.ShmBackend;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A {@code struct sockaddr_un} for a path, built once in Java so every backend passes the same bytes:
 * {@code sa_family_t sun_family} (2 bytes, {@code AF_UNIX}) then {@code char sun_path[108]}, NUL-terminated.
 */
final class UnixAddress {

    /** {@code sizeof(sun_path)} on Linux. */
    static final int SUN_PATH_SIZE = 108;
    private static final int SUN_PATH = 2;

    final Path path;
    final ByteBuffer buffer;
    /** {@code offsetof(sun_path) + strlen(path) + 1}, the {@code addrlen} to pass. */
    final int length;

    UnixAddress(Path path) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= SUN_PATH_SIZE) {
            throw new IllegalArgumentException("socket path " + path + " has " + bytes.length + " bytes; a UNIX"
                    + " socket path holds 1.." + (SUN_PATH_SIZE - 1) + " (sun_path is " + SUN_PATH_SIZE + " bytes with"
                    + " its NUL); use a shorter one, e.g. under /run");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("socket path " + path + " contains a NUL byte");
            }
        }
        this.path = path;
        this.buffer = ByteBuffer.allocateDirect(SUN_PATH + SUN_PATH_SIZE).order(ByteOrder.nativeOrder());
        buffer.putShort(0, (short) ShmBackend.AF_UNIX);
        for (int i = 0; i < bytes.length; i++) {
            buffer.put(SUN_PATH + i, bytes[i]);
        }
        this.length = SUN_PATH + bytes.length + 1;
    }
}
