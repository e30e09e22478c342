/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.internal.Errno;
import static io.github.ntpdshm.internal.Errno.EACCES;
import static io.github.ntpdshm.internal.Errno.EIDRM;
import static io.github.ntpdshm.internal.Errno.EINVAL;
import static io.github.ntpdshm.internal.Errno.EMFILE;
import static io.github.ntpdshm.internal.Errno.ENFILE;
import static io.github.ntpdshm.internal.Errno.ENOENT;
import static io.github.ntpdshm.internal.Errno.ENOMEM;
import static io.github.ntpdshm.internal.Errno.ENOSPC;
import static io.github.ntpdshm.internal.Errno.EPERM;
import static io.github.ntpdshm.internal.Texts.hex;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * What a failed SHM operation says, the same text whichever backend failed: the operation, the unit, the key,
 * the backend, {@code errno} by name and text, and advice for that {@code errno} drawn from the kernel's facts
 * about the segment (its owner, permissions and size).
 */
final class ShmErrors {

    private ShmErrors() {
    }

    /** {@code "op failed for unit U (key K, backend B): "}, the start of every message. */
    static String where(String op, ShmOptions o, String backend) {
        return op + " failed for unit " + o.unit() + " (key " + hex(o.key()) + ", backend " + backend + "): ";
    }

    /** {@link #where} followed by {@code errno}'s name and text. */
    static String where(String op, ShmOptions o, int errno, String backend) {
        return where(op, o, backend) + Errno.name(errno) + " ("
                + Errno.text(errno) + "); ";
    }

    /**
     * The exception for a system call that failed with {@code errno}.
     *
     * @param asked the layout asked for, or null; names the size that did not fit on EINVAL
     */
    static NtpdShmException failure(String backend, String op, ShmOptions o, int errno, ShmLayout asked) {
        return new NtpdShmException(op, o.unit(), o.key(), errno, where(op, o, errno, backend)
                + advice(o, errno, asked, ShmSegment.ofKey(o.key())));
    }

    private static String advice(ShmOptions o, int errno, ShmLayout asked, Optional<ShmSegment> seg) {
        switch (errno) {
            case EACCES:
                return seg.map(s -> "the segment belongs to uid " + s.uid() + " with permissions 0"
                        + Integer.toOctalString(s.permissions())).orElse("the segment's permissions deny it")
                        + " and this process runs as uid " + effectiveUid() + ", which may not "
                        + (o.readOnly() ? "read" : "read and write") + " it. Run as its owner or root"
                        + (o.readOnly() ? "" : ", open it read-only to monitor it (needs read permission)")
                        + ", or have its creator grant access: ntpd and gpsd create units 0 and 1 with 0600 and 2 and up"
                        + " with 0666; chrony needs `refclock SHM " + o.unit() + ":perm=0666`; ntpdshm takes"
                        + " permissions(0666).";
            case EINVAL:
                return seg.map(s -> "a segment of " + s.size() + " bytes"
                        + s.layout().map(l -> " (layout " + l.label() + ")").orElse(" (no known layout)")
                        + " already exists for this key"
                        + (asked != null ? ", smaller than the " + asked.size() + " bytes of layout " + asked.name()
                        + " asked for" : "")
                        + ". Open it with " + s.layout().map(l -> "layout " + l.name()).orElse("its writer's layout")
                        + " (or leave the layout out to infer it), or remove it with `ipcrm -M " + hex(o.key())
                        + "` once nothing uses it.").orElse("the segment does not fit the size asked for.");
            case ENOENT:
                return "no segment exists for this key yet. Start the program that creates it first (ntpd, chrony,"
                        + " gpsd or the writer)" + (o.readOnly() ? "; a read-only handle never creates one."
                        : ", or open it with create enabled.");
            case EPERM:
                return seg.map(s -> "only its owner (uid " + s.uid() + "), its creator (uid " + s.creatorUid()
                        + ") or root may do that").orElse("only its owner, creator or root may do that")
                        + "; this process runs as uid " + effectiveUid() + ".";
            case EIDRM:
                return "the segment was removed meanwhile; open it again.";
            case ENOSPC:
            case ENOMEM:
            case ENFILE:
            case EMFILE:
                return "the system's shared-memory limits are reached (see /proc/sys/kernel/shmmni and shmall, and"
                        + " `ipcs -m`); remove unused segments with ipcrm.";
            default:
                return "see shmget(2), shmat(2) and shmctl(2).";
        }
    }

    /**
     * The exception when the kernel's table of segments cannot be read: without it the segment's size, owner and
     * permissions are unknown, which is not the same as the segment being gone.
     */
    static NtpdShmException tableUnreadable(String backend, String op, ShmOptions o) {
        return new NtpdShmException(op, o.unit(), o.key(), 0, where(op, o, backend) + "cannot read"
                + " /proc/sysvipc/shm, where the kernel lists each segment's size; mount /proc (or give this process"
                + " read access to it) so the layout can be checked against the segment.");
    }

    /** The layout's size does not match the segment's. */
    static NtpdShmException sizeMismatch(String backend, ShmOptions o, long size, ShmLayout asked) {
        Optional<ShmLayout> actual = ShmLayout.ofSize(size);
        return new NtpdShmException("open", o.unit(), o.key(), EINVAL, where("open", o, EINVAL, backend)
                + "the segment has " + size + " bytes" + actual.map(x -> " (layout " + x.label() + ")").orElse("")
                + " but layout " + asked.label() + " was asked for; writing it would put fields at the wrong"
                + " offsets. Open it with " + actual.map(x -> "layout " + x.name()).orElse("the writer's layout")
                + " or leave the layout out to infer it.");
    }

    /** The segment's size is none of the three layouts'. */
    static NtpdShmException unknownSize(String backend, ShmOptions o, long size) {
        return new NtpdShmException("open", o.unit(), o.key(), EINVAL, where("open", o, EINVAL, backend)
                + "the segment has " + size + " bytes, which is none of the known struct shmTime layouts (96 bytes"
                + " LP64, 80 bytes 32-bit time_t, 88 bytes i386 with 64-bit time_t). It is not an NTP SHM segment,"
                + " or its writer has an unusual ABI; check the key, or remove it with `ipcrm -M " + hex(o.key())
                + "` if nothing uses it.");
    }

    /** No segment yet, no layout given, and none could be chosen for the local daemons. */
    static NtpdShmException noLayout(String backend, ShmOptions o, LayoutChoice c) {
        return new NtpdShmException("open", o.unit(), o.key(), 0, where("open", o, backend) + "no segment exists yet"
                + " and no layout was given; layout for a new segment: " + c.evidence() + ". Give the layout of the"
                + " daemon that will read it (ShmOptions.Builder.layout, or --layout).");
    }

    /** The effective uid from {@code /proc/self/status}, else the user name: for messages only. */
    static String effectiveUid() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1];
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the message is still useful without it
        }
        return System.getProperty("user.name", "?");
    }
}
