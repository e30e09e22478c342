/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.api;

import static io.github.ntpdshm.internal.Errno.EIDRM;
import static io.github.ntpdshm.internal.Errno.EINVAL;
import static io.github.ntpdshm.internal.Errno.ENOENT;

import io.github.ntpdshm.spi.ErrnoException;
import io.github.ntpdshm.spi.ShmBackend;
import io.github.ntpdshm.spi.ShmMemory;

import java.util.List;
import java.util.Optional;

/**
 * Opening and removing a unit's segment: the key, creating it with the asked permissions or attaching the one
 * that exists, the layout (asked for, inferred from the segment's size, or the local daemons' for a new one) and
 * the checks that keep a writer off a segment of another size.
 */
final class ShmOpener {

    private ShmOpener() {
    }

    /** {@link NtpdShm#open(ShmOptions)}. */
    static ShmHandle open(ShmOptions o) {
        ShmBackend b = ShmBackends.select(o.backend().orElse(null));
        int key = o.key();
        Optional<ShmLayout> asked = o.layout();
        int id;
        try {
            // An explicit layout asks the kernel for its size, so a smaller segment fails with EINVAL as in ntpd.
            id = b.shmget(key, asked.map(ShmLayout::size).orElse(0), 0);
        } catch (ErrnoException e) {
            if (e.errno() != ENOENT || !o.create()) {
                throw ShmErrors.failure(b.name(), "shmget", o, e.errno(), asked.orElse(null));
            }
            ShmLayout l = asked.orElseGet(() -> layoutForNewSegment(b, o));
            try {
                id = b.shmget(key, l.size(), ShmBackend.IPC_CREAT | o.permissions());
            } catch (ErrnoException e2) {
                throw ShmErrors.failure(b.name(), "shmget", o, e2.errno(), l);
            }
        }
        long size = find(b.name(), "open", o, id, ShmSegment.table()).size();
        ShmLayout layout = resolveLayout(b, o, size);
        ShmMemory m;
        try {
            m = b.shmat(id, layout.size(), o.readOnly());
        } catch (ErrnoException e) {
            throw ShmErrors.failure(b.name(), "shmat", o, e.errno(), layout);
        }
        ShmHandle h = new ShmHandle(b, o, layout, id, m);
        if (!o.readOnly()) {
            Warmup.writer(b, o, layout, m);  // compiles the sample paths on scratch memory (#11)
        }
        return h;
    }

    /**
     * The segment {@code shmid} in the kernel's {@code /proc/sysvipc/shm}, which prints {@code shm_segsz} the same
     * way on every architecture: {@code struct shmid_ds} (what {@code IPC_STAT} fills) puts it at different offsets
     * on different ABIs (after the three times on powerpc, before them on x86_64 and aarch64), so no one offset is
     * right.
     *
     * @param table the kernel's table, empty when it cannot be read
     * @throws NtpdShmException saying the table cannot be read, or EIDRM when the table does not list the id
     */
    static ShmSegment find(String backend, String op, ShmOptions o, int shmid, Optional<List<ShmSegment>> table) {
        if (!table.isPresent()) {
            throw ShmErrors.tableUnreadable(backend, op, o);
        }
        for (ShmSegment s : table.get()) {
            if (s.shmid() == shmid) {
                return s;
            }
        }
        throw ShmErrors.failure(backend, op, o, EIDRM, null);  // listed by shmget or shmat before: removed since
    }

    /** The layout of the local daemons, or a failure that says why there is none (see {@link LayoutChoice}). */
    private static ShmLayout layoutForNewSegment(ShmBackend b, ShmOptions o) {
        LayoutChoice c = LayoutChoice.forNewSegments();
        return c.layout().orElseThrow(() -> ShmErrors.noLayout(b.name(), o, c));
    }

    private static ShmLayout resolveLayout(ShmBackend b, ShmOptions o, long size) {
        if (o.layout().isPresent()) {
            ShmLayout l = o.layout().get();
            if (size != l.size()) {
                throw ShmErrors.sizeMismatch(b.name(), o, size, l);
            }
            return l;
        }
        return ShmLayout.ofSize(size).orElseThrow(() -> ShmErrors.unknownSize(b.name(), o, size));
    }

    /** {@link NtpdShm#remove(ShmOptions)}. */
    static boolean remove(ShmOptions o) {
        ShmBackend b = ShmBackends.select(o.backend().orElse(null));
        int id;
        try {
            id = b.shmget(o.key(), 0, 0);
        } catch (ErrnoException e) {
            if (e.errno() == ENOENT) {
                return false;
            }
            throw ShmErrors.failure(b.name(), "shmget", o, e.errno(), null);
        }
        try {
            b.shmctl(id, ShmBackend.IPC_RMID, null);
        } catch (ErrnoException e) {
            if (e.errno() == EINVAL || e.errno() == EIDRM) {
                return false;  // removed by someone else meanwhile
            }
            throw ShmErrors.failure(b.name(), "shmctl(IPC_RMID)", o, e.errno(), null);
        }
        return true;
    }
}
