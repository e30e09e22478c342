/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * The C baseline of ntpdshm-bench: what the protocol costs in C, on a real SysV segment, so that
 * the Java backends' figures can be read as ratios. Each loop does its operation n times; Java calls
 * it through one Panama downcall per 1000 operations, so the call itself is amortised.
 *
 * The write is gpsd's sequence (ntpshm_put / ntp_write in gpsd's ntpshmwrite.c), the read is
 * ntpd's (refclock_shm.c, shm_query): the fences are C11 seq_cst fences as both use them.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "gpsdput.h"

static int baseline_key;

/* Creates (or attaches) the segment for key, as ntpd does; NULL with errno set on failure. */
void *shmbaseline_attach(int key) {
    baseline_key = key;
    int id = shmget(key, sizeof(struct shmTime), IPC_CREAT | 0600);
    if (id < 0) {
        return NULL;
    }
    void *p = shmat(id, NULL, 0);
    return p == (void *) -1 ? NULL : p;
}

/* Detaches and removes; 0 on success. */
int shmbaseline_remove(void *shm, int key) {
    int id = shmget(key, 0, 0);
    int rc = shmdt(shm);
    if (id >= 0 && shmctl(id, IPC_RMID, NULL) < 0) {
        rc = -1;
    }
    return rc;
}

/* gpsd's store-and-fence sequence with given time stamps (update(Instant, Instant)'s C twin). */
long store_loop(void *shm, long n) {
    struct shmTime *t = shm;
    t->mode = 1;
    for (long i = 0; i < n; i++) {
        gpsd_put(t, 1700000000 + (i & 1), 123456789 + (i & 1), 1700000001, 987654321);
    }
    return t->count;
}

/* clock_gettime(CLOCK_REALTIME) as the receive time, then the sequence (update(double)'s C twin). */
long clock_store_loop(void *shm, long n) {
    struct shmTime *t = shm;
    struct timespec now;
    t->mode = 1;
    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_REALTIME, &now);
        gpsd_put(t, now.tv_sec - 1, now.tv_nsec, now.tv_sec, now.tv_nsec);
    }
    return t->count;
}

/* clock_gettime alone, to split clock_store_loop into clock and store. */
long clock_loop(void *shm, long n) {
    struct timespec now;
    long sum = 0;
    (void) shm;
    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_REALTIME, &now);
        sum += now.tv_nsec;
    }
    return sum;
}

/* What NtpdShm.open + close ask of the kernel: shmget, shmctl(IPC_STAT), shmat, shmdt (open + close's twin). */
long open_close_loop(void *shm, long n) {
    struct shmid_ds ds;
    long sum = 0;
    (void) shm;
    for (long i = 0; i < n; i++) {
        int id = shmget(baseline_key, 0, 0);
        if (id < 0 || shmctl(id, IPC_STAT, &ds) < 0) {
            return -1;
        }
        void *p = shmat(id, NULL, 0);
        if (p == (void *) -1) {
            return -1;
        }
        sum += ((struct shmTime *) p)->count;
        shmdt(p);
    }
    return sum;
}

/*
 * ntpd's read without clearing valid (a non-destructive peek, as ntpshmmon and NtpdShm.peek() do):
 * valid?, count, fence, copy the struct, fence, count again.
 */
long read_loop(void *shm, long n) {
    volatile struct shmTime *t = shm;
    struct shmTime copy;
    long ok = 0;
    for (long i = 0; i < n; i++) {
        if (!t->valid) {
            continue;
        }
        int before = t->count;
        atomic_thread_fence(memory_order_seq_cst);
        memcpy(&copy, (const void *) t, sizeof copy);
        atomic_thread_fence(memory_order_seq_cst);
        if (copy.mode == 1 && before != t->count) {
            continue;
        }
        /* use every field the Java reader hands out, so the compiler keeps the whole copy */
        ok += copy.clockTimeStampSec + copy.clockTimeStampUSec + copy.clockTimeStampNSec
                + copy.receiveTimeStampSec + copy.receiveTimeStampUSec + copy.receiveTimeStampNSec
                + copy.leap + copy.precision + copy.nsamples;
    }
    return ok;
}
