/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * shmstress: the C side of the reliability group, compiled like shmpeer for each layout. Every sample it writes,
 * and every sample it checks, is the sample numbered v (v >= 1):
 *
 *   clockTimeStampSec   = T0 + v         clockTimeStampNSec   = (v * 2654435761) % 1e9, USec = NSec / 1000
 *   receiveTimeStampSec = T0 + v + 1     receiveTimeStampNSec = (v * 40503 + 12345) % 1e9, USec = NSec / 1000
 *
 * so that a copy mixing two samples breaks the relation between the six time fields (ReliabilitySuite checks
 * the same relation in Java).
 *
 *   shmstress write KEY MILLIS MODE   a writer for MILLIS ms (0: until killed): MODE 1 is gpsd's sequence
 *                                     (valid = 0; count++; fence; fields; fence; count++; fence; valid = 1),
 *                                     MODE 0 writes the fields and valid with no protection. Numbers samples on
 *                                     from count / 2 + 1, so that a restarted writer continues. In mode 1 it
 *                                     pauses a moment after every 8th sample, so that readers get whole ones too.
 *                                     Prints written=N.
 *   shmstress read KEY MILLIS         ntpd's consuming reader (valid; count; fence; copy; valid = 0; fence;
 *                                     count again) for MILLIS ms, judging each copy twice: as ntpd does (count
 *                                     unchanged) and as ntpdshm does (count unchanged and valid still set before
 *                                     it cleared it). Prints reads, notvalid, badmode, then accepted, clashes,
 *                                     torn_strict and accepted_ntpd, clashes_ntpd, torn_ntpd (torn: accepted
 *                                     samples that break the relation).
 *   shmstress create KEY SIZE SEED    creates a segment of SIZE bytes (0666) and fills it with bytes from SEED.
 *   shmstress fill KEY SEED           fills an existing segment with bytes from SEED.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>

#include "shmtime.h"

#define T0 1700000000LL

static unsigned clock_nsec(long long v) { return (unsigned) (((unsigned long long) v * 2654435761ULL) % 1000000000ULL); }
static unsigned receive_nsec(long long v) { return (unsigned) (((unsigned long long) v * 40503ULL + 12345ULL) % 1000000000ULL); }

static int consistent(const struct shmTime *s) {
    long long v = (long long) s->clockTimeStampSec - T0;
    return v >= 1
        && s->clockTimeStampNSec == clock_nsec(v) && s->clockTimeStampUSec == (int) (clock_nsec(v) / 1000)
        && (long long) s->receiveTimeStampSec == T0 + v + 1
        && s->receiveTimeStampNSec == receive_nsec(v) && s->receiveTimeStampUSec == (int) (receive_nsec(v) / 1000);
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void *attach(const char *keyarg, size_t size, int create) {
    key_t key = (key_t) strtoul(keyarg, NULL, 0);
    int id = shmget(key, size, create ? IPC_CREAT | 0666 : 0);
    if (id == -1) { perror("shmget"); exit(3); }
    void *p = shmat(id, NULL, 0);
    if (p == (void *) -1) { perror("shmat"); exit(3); }
    return p;
}

static void fill(unsigned char *p, size_t n, unsigned seed) {
    srand(seed);
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char) (rand() >> 7);
}

static size_t size_of(const char *keyarg) {
    int id = shmget((key_t) strtoul(keyarg, NULL, 0), 0, 0);
    struct shmid_ds ds;
    if (id == -1 || shmctl(id, IPC_STAT, &ds) == -1) { perror("shmctl"); exit(3); }
    return ds.shm_segsz;
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "write") == 0) {
        struct shmTime *s = attach(argv[2], sizeof(struct shmTime), 1);
        long long millis = atoll(argv[3]), end = now_ms() + millis, n = 0;
        int mode = atoi(argv[4]);
        long long v = (unsigned) s->count / 2;
        s->mode = mode;
        printf("ready\n");
        fflush(stdout);
        while (millis == 0 || (n & 255) != 0 || now_ms() < end) {
            v++;
            if (mode == 1) {
                s->valid = 0;
                s->count++;
                atomic_thread_fence(memory_order_seq_cst);
            }
            s->clockTimeStampSec = (time_t) (T0 + v);
            s->clockTimeStampUSec = (int) (clock_nsec(v) / 1000);
            s->clockTimeStampNSec = clock_nsec(v);
            s->receiveTimeStampSec = (time_t) (T0 + v + 1);
            s->receiveTimeStampUSec = (int) (receive_nsec(v) / 1000);
            s->receiveTimeStampNSec = receive_nsec(v);
            s->leap = 0;
            s->precision = -20;
            atomic_thread_fence(memory_order_seq_cst);
            if (mode == 1) {
                s->count++;
                atomic_thread_fence(memory_order_seq_cst);
            }
            s->valid = 1;
            n++;
            if (mode == 1 && (n & 7) == 0) {
                /* now and then leave a whole sample in place a little longer, so that readers also get some;
                   never in mode 0, whose test wants readers inside a write */
                for (volatile int k = 0; k < 256; k++) {
                }
            }
            if (millis != 0 && (n & 255) == 0 && now_ms() >= end) break;
        }
        printf("written=%lld\n", n);
        shmdt(s);
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "read") == 0) {
        struct shmTime *s = attach(argv[2], 0, 0);
        long long end = now_ms() + atoll(argv[3]);
        long long reads = 0, notvalid = 0, badmode = 0;
        long long accepted = 0, clashes = 0, torn = 0, accepted_ntpd = 0, clashes_ntpd = 0, torn_ntpd = 0;
        struct shmTime copy;
        while ((reads & 1023) != 0 || now_ms() < end) {
            reads++;
            if (s->valid == 0) { notvalid++; continue; }
            int c = s->count;
            atomic_thread_fence(memory_order_seq_cst);
            memcpy(&copy, (void *) s, sizeof copy);
            atomic_thread_fence(memory_order_seq_cst);
            int still_valid = s->valid;
            s->valid = 0;
            atomic_thread_fence(memory_order_seq_cst);
            int c2 = s->count;
            if (copy.mode != 0 && copy.mode != 1) { badmode++; continue; }
            int whole = consistent(&copy);
            /* ntpd's verdict: count alone */
            if (copy.mode == 1 && c != c2) clashes_ntpd++;
            else { accepted_ntpd++; if (!whole) torn_ntpd++; }
            /* ours: count, and valid still set (gpsd's writer clears it before it moves count) */
            if (copy.mode == 1 && (c != c2 || still_valid == 0)) clashes++;
            else { accepted++; if (!whole) torn++; }
        }
        printf("reads=%lld\nnotvalid=%lld\nbadmode=%lld\naccepted=%lld\nclashes=%lld\ntorn_strict=%lld\n"
               "accepted_ntpd=%lld\nclashes_ntpd=%lld\ntorn_ntpd=%lld\n",
               reads, notvalid, badmode, accepted, clashes, torn, accepted_ntpd, clashes_ntpd, torn_ntpd);
        shmdt(s);
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "create") == 0) {
        size_t size = (size_t) strtoul(argv[3], NULL, 0);
        unsigned char *p = attach(argv[2], size, 1);
        fill(p, size, (unsigned) strtoul(argv[4], NULL, 0));
        shmdt(p);
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "fill") == 0) {
        size_t size = size_of(argv[2]);
        unsigned char *p = attach(argv[2], 0, 0);
        fill(p, size, (unsigned) strtoul(argv[3], NULL, 0));
        shmdt(p);
        return 0;
    }
    fprintf(stderr, "usage: shmstress write KEY MILLIS MODE | read KEY MILLIS | create KEY SIZE SEED | fill KEY SEED\n");
    return 2;
}
