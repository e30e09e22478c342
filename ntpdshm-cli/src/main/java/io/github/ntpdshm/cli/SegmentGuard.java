package io.github.ntpdshm.cli;

import io.github.ntpdshm.api.NtpdShm;
import io.github.ntpdshm.api.ShmSegment;

import java.util.Optional;

/**
 * Notices a segment removed ({@code ipcrm}, a daemon's restart) or created again under a long-running writer:
 * its key then names another shmid, or none. Writing on would feed a segment no daemon reads any more.
 */
final class SegmentGuard {

    private static final long SECOND = 1_000_000_000L;

    private final int unit;
    private final int key;
    private final int shmid;
    private long nextLook;

    SegmentGuard(NtpdShm handle) {
        this.unit = handle.unit();
        this.key = handle.key();
        this.shmid = handle.segment().shmid();
        this.nextLook = System.nanoTime() + SECOND;
    }

    /** Looks at most once a second (one read of /proc/sysvipc/shm); throws when the segment is gone or replaced. */
    void check() {
        if (System.nanoTime() - nextLook < 0) {
            return;
        }
        nextLook = System.nanoTime() + SECOND;
        Optional<ShmSegment> now = ShmSegment.ofKey(key);
        if (now.isPresent() && now.get().shmid() == shmid) {
            return;
        }
        throw new CliException("unit " + unit + " (key " + Fmt.hex(key) + "): the segment (shmid " + shmid + ") was "
                + now.map(s -> "removed and created again (now shmid " + s.shmid() + ")").orElse("removed")
                + " while this ran; no daemon reads the old one any more, so it stops. Start it again (a service"
                + " manager with Restart=on-failure does), and it attaches to the segment there is then.");
    }
}
