/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * shmpeer: an independent C peer of the NTP SHM segment, compiled for each layout by the conformance suite
 * (on x86_64: gcc, 96 bytes; i686 gcc, 80; i686 gcc -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64, 88; cross
 * compilers for the JVM's architecture elsewhere, see PeerToolchain) so that every offset the Java side
 * uses is checked against what the C compiler lays out.
 *
 *   shmpeer offsets                    print sizeof and every field's offset
 *   shmpeer dump KEY                   attach read-only, print every field (name=value lines)
 *   shmpeer write KEY name=value...    attach (create 0666 if absent) and store the named raw fields
 *   shmpeer read KEY                   ntpd's consuming read; prints status=OK|NOT_VALID|CLASH|BAD_MODE and the fields
 *   shmpeer feed KEY N INTERVAL_US OFFSET_NS
 *                                      gpsd's mode-1 writer: N samples, clock = now + OFFSET_NS
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "shmtime.h"

#define FIELDS(X) \
    X(mode) X(count) X(clockTimeStampSec) X(clockTimeStampUSec) X(receiveTimeStampSec) \
    X(receiveTimeStampUSec) X(leap) X(precision) X(nsamples) X(valid) X(clockTimeStampNSec) \
    X(receiveTimeStampNSec) X(dummy)

static struct shmTime *attach(const char *keyarg, int create, int rdonly) {
    key_t key = (key_t) strtoul(keyarg, NULL, 0);
    int id = shmget(key, create ? sizeof(struct shmTime) : 0, create ? IPC_CREAT | 0666 : 0);
    if (id == -1) { perror("shmget"); exit(3); }
    void *p = shmat(id, NULL, rdonly ? SHM_RDONLY : 0);
    if (p == (void *) -1) { perror("shmat"); exit(3); }
    return (struct shmTime *) p;
}

static void print(const struct shmTime *s) {
    printf("mode=%d\ncount=%d\nclockTimeStampSec=%lld\nclockTimeStampUSec=%d\nreceiveTimeStampSec=%lld\n"
           "receiveTimeStampUSec=%d\nleap=%d\nprecision=%d\nnsamples=%d\nvalid=%d\nclockTimeStampNSec=%u\n"
           "receiveTimeStampNSec=%u\n",
           s->mode, s->count, (long long) s->clockTimeStampSec, s->clockTimeStampUSec,
           (long long) s->receiveTimeStampSec, s->receiveTimeStampUSec, s->leap, s->precision, s->nsamples,
           s->valid, s->clockTimeStampNSec, s->receiveTimeStampNSec);
    for (int i = 0; i < 8; i++) printf("dummy%d=%d\n", i, s->dummy[i]);
}

static void store(struct shmTime *s, const char *assignment) {
    const char *eq = strchr(assignment, '=');
    if (!eq) { fprintf(stderr, "not name=value: %s\n", assignment); exit(2); }
    size_t n = (size_t) (eq - assignment);
    long long v = strtoll(eq + 1, NULL, 0);
#define IS(f) (strlen(#f) == n && strncmp(assignment, #f, n) == 0)
    if (IS(mode)) s->mode = (int) v;
    else if (IS(count)) s->count = (int) v;
    else if (IS(clockTimeStampSec)) s->clockTimeStampSec = (time_t) v;
    else if (IS(clockTimeStampUSec)) s->clockTimeStampUSec = (int) v;
    else if (IS(receiveTimeStampSec)) s->receiveTimeStampSec = (time_t) v;
    else if (IS(receiveTimeStampUSec)) s->receiveTimeStampUSec = (int) v;
    else if (IS(leap)) s->leap = (int) v;
    else if (IS(precision)) s->precision = (int) v;
    else if (IS(nsamples)) s->nsamples = (int) v;
    else if (IS(valid)) s->valid = (int) v;
    else if (IS(clockTimeStampNSec)) s->clockTimeStampNSec = (unsigned) v;
    else if (IS(receiveTimeStampNSec)) s->receiveTimeStampNSec = (unsigned) v;
    else if (n == 6 && strncmp(assignment, "dummy", 5) == 0) s->dummy[assignment[5] - '0'] = (int) v;
    else { fprintf(stderr, "no field %.*s\n", (int) n, assignment); exit(2); }
#undef IS
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "offsets") == 0) {
        printf("sizeof=%zu\n", sizeof(struct shmTime));
#define OFF(f) printf(#f "=%zu\n", offsetof(struct shmTime, f));
        FIELDS(OFF)
        printf("timeTSize=%zu\n", sizeof(time_t));
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "dump") == 0) {
        struct shmTime *s = attach(argv[2], 0, 1);
        print(s);
        shmdt(s);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "write") == 0) {
        struct shmTime *s = attach(argv[2], 1, 0);
        for (int i = 3; i < argc; i++) store(s, argv[i]);
        shmdt(s);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "read") == 0) {
        struct shmTime *s = attach(argv[2], 0, 0);
        struct shmTime copy;
        const char *status = "OK";
        if (s->valid == 0) {
            status = "NOT_VALID";
        } else {
            int c = s->count;
            atomic_thread_fence(memory_order_seq_cst);
            memcpy(&copy, (void *) s, sizeof copy);
            s->valid = 0;
            atomic_thread_fence(memory_order_seq_cst);
            if (copy.mode == 1 && c != s->count) status = "CLASH";
            else if (copy.mode != 0 && copy.mode != 1) status = "BAD_MODE";
        }
        printf("status=%s\n", status);
        if (strcmp(status, "OK") == 0) print(&copy);
        shmdt(s);
        return 0;
    }
    if (argc >= 6 && strcmp(argv[1], "feed") == 0) {
        struct shmTime *s = attach(argv[2], 1, 0);
        long n = strtol(argv[3], NULL, 0), interval = strtol(argv[4], NULL, 0);
        long long offset = strtoll(argv[5], NULL, 0);
        s->mode = 1;
        for (long i = 0; i < n; i++) {
            struct timespec now, clk;
            clock_gettime(CLOCK_REALTIME, &now);
            long long ns = (long long) now.tv_sec * 1000000000LL + now.tv_nsec + offset;
            clk.tv_sec = (time_t) (ns / 1000000000LL);
            clk.tv_nsec = (long) (ns % 1000000000LL);
            s->valid = 0;
            s->count++;
            atomic_thread_fence(memory_order_seq_cst);
            s->clockTimeStampSec = clk.tv_sec;
            s->clockTimeStampUSec = (int) (clk.tv_nsec / 1000);
            s->clockTimeStampNSec = (unsigned) clk.tv_nsec;
            s->receiveTimeStampSec = now.tv_sec;
            s->receiveTimeStampUSec = (int) (now.tv_nsec / 1000);
            s->receiveTimeStampNSec = (unsigned) now.tv_nsec;
            s->leap = 0;
            s->precision = -20;
            atomic_thread_fence(memory_order_seq_cst);
            s->count++;
            atomic_thread_fence(memory_order_seq_cst);
            s->valid = 1;
            if (interval > 0) usleep((useconds_t) interval);
        }
        shmdt(s);
        return 0;
    }
    fprintf(stderr, "usage: shmpeer offsets | dump KEY | write KEY name=value... | read KEY | feed KEY N INTERVAL_US OFFSET_NS\n");
    return 2;
}
