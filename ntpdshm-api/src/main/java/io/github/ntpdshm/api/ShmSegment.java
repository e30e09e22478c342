/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import io.github.ntpdshm.internal.Texts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's facts about one System V segment, as {@code ipcs -m} shows them: key, id, size, owner,
 * permissions, attach count, the creating and last-attaching PIDs and times. Immutable.
 *
 * <p>Read from {@code /proc/sysvipc/shm}, which any user may read, so listing never needs permission on the
 * segment and never creates one.
 */
public final class ShmSegment {
    private static final Path PROC = Paths.get("/proc/sysvipc/shm");
    private static final int SHM_DEST = 01000;

    private final int key;
    private final int shmid;
    private final int mode;
    private final long size;
    private final int cpid;
    private final int lpid;
    private final long nattch;
    private final int uid;
    private final int gid;
    private final int cuid;
    private final int cgid;
    private final long atime;
    private final long dtime;
    private final long ctime;

    /**
     * A segment's facts, as {@code /proc/sysvipc/shm} gives them.
     *
     * @param key    the System V key
     * @param shmid  the segment's id
     * @param mode   permission bits; may include {@code SHM_DEST} (01000), marked for removal
     * @param size   bytes
     * @param cpid   the creator's PID
     * @param lpid   the PID of the last {@code shmat} or {@code shmdt}
     * @param nattch how many attachments
     * @param uid    the owner's uid
     * @param gid    the owner's gid
     * @param cuid   the creator's uid
     * @param cgid   the creator's gid
     * @param atime  the last attach, epoch seconds, 0 for never
     * @param dtime  the last detach, epoch seconds, 0 for never
     * @param ctime  the last change, epoch seconds
     */
    public ShmSegment(int key, int shmid, int mode, long size, int cpid, int lpid, long nattch, int uid, int gid,
                      int cuid, int cgid, long atime, long dtime, long ctime) {
        this.key = key;
        this.shmid = shmid;
        this.mode = mode;
        this.size = size;
        this.cpid = cpid;
        this.lpid = lpid;
        this.nattch = nattch;
        this.uid = uid;
        this.gid = gid;
        this.cuid = cuid;
        this.cgid = cgid;
        this.atime = atime;
        this.dtime = dtime;
        this.ctime = ctime;
    }

    /** {@return whether this process can read the kernel's table of segments; without it {@link #list()} is empty} */
    public static boolean tableReadable() {
        return Files.isReadable(PROC);
    }

    /** {@return every segment in this IPC namespace, in the kernel's order; empty if the table is unreadable} */
    public static List<ShmSegment> list() {
        return table().orElse(Collections.emptyList());
    }

    /** {@return every segment, or empty when the table cannot be read: "no such segment" is another answer} */
    static Optional<List<ShmSegment>> table() {
        if (!Files.isReadable(PROC)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(PROC, StandardCharsets.US_ASCII);
            List<ShmSegment> out = new ArrayList<>(Math.max(0, lines.size() - 1));
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (!line.isEmpty()) {
                    out.add(parse(line));
                }
            }
            return Optional.of(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROC, e);
        }
    }

    /**
     * The segment that has this key.
     *
     * @param key a System V key
     * @return the segment, or empty if the key has none
     */
    public static Optional<ShmSegment> ofKey(int key) {
        for (ShmSegment s : list()) {
            if (s.key == key) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    static ShmSegment parse(String line) {
        String[] f = line.trim().split("\\s+");
        return new ShmSegment((int) Long.parseLong(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2], 8),
                Long.parseUnsignedLong(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), Long.parseLong(f[6]),
                Integer.parseInt(f[7]), Integer.parseInt(f[8]), Integer.parseInt(f[9]), Integer.parseInt(f[10]),
                Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]));
    }

    /** {@return the System V key} */
    public int key() {
        return key;
    }

    /** {@return the segment id ({@code shmid})} */
    public int shmid() {
        return shmid;
    }

    /** {@return permission bits, 0..0777} */
    public int permissions() {
        return mode & 0777;
    }

    /** {@return whether it is marked for removal and goes away when the last process detaches} */
    public boolean isMarkedForRemoval() {
        return (mode & SHM_DEST) != 0;
    }

    /** {@return {@code shm_segsz} in bytes} */
    public long size() {
        return size;
    }

    /** {@return the layout its size implies, if it is one of the three} */
    public Optional<ShmLayout> layout() {
        return ShmLayout.ofSize(size);
    }

    /** {@return PID of the creator} */
    public int creatorPid() {
        return cpid;
    }

    /** {@return PID of the last process that attached or detached} */
    public int lastPid() {
        return lpid;
    }

    /** {@return number of current attaches} */
    public long attachCount() {
        return nattch;
    }

    /** {@return owner's uid} */
    public int uid() {
        return uid;
    }

    /** {@return owner's gid} */
    public int gid() {
        return gid;
    }

    /** {@return creator's uid} */
    public int creatorUid() {
        return cuid;
    }

    /** {@return creator's gid} */
    public int creatorGid() {
        return cgid;
    }

    /** {@return last attach time, or empty if never attached} */
    public Optional<Instant> lastAttach() {
        return atime == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(atime));
    }

    /** {@return last detach time, or empty if never detached} */
    public Optional<Instant> lastDetach() {
        return dtime == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(dtime));
    }

    /** {@return last change time (creation or {@code IPC_SET})} */
    public Instant lastChange() {
        return Instant.ofEpochSecond(ctime);
    }

    @Override
    public String toString() {
        return "ShmSegment[key=" + Texts.hex(key) + " shmid=" + shmid + " perms=0"
                + Integer.toOctalString(permissions()) + " size=" + size + " uid=" + uid + " nattch=" + nattch
                + " cpid=" + cpid + " lpid=" + lpid + (isMarkedForRemoval() ? " dest" : "") + "]";
    }
}
