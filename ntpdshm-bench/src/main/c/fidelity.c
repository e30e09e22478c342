/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * The C writer of the fidelity benchmark (fidelity.sh): the seed's loop in C, as gpsd writes a sample
 * (ntpshm_put: clock_gettime for the receive time inside the update, then the store-and-fence sequence),
 * and ntpd's read (shm_query) at 1 Hz. Prints one JSON object per series, as Fidelity.java does:
 *
 *   fidelity-c write HZ SAMPLES KEY    per sample: caller's CLOCK_REALTIME -> receive stamp, and
 *                                      caller's CLOCK_REALTIME -> the update's return (a second reading)
 *   fidelity-c read HZ SAMPLES KEY     per sample: ntpd's read with and without clearing valid
 *   fidelity-c stall HZ SAMPLES NS     per wake-up: the longest step between two CLOCK_REALTIME readings
 *                                      taken in a loop for NS ns (no segment): the machine's own stalls
 *
 * Nothing runs between the caller's clock reading and the update, as in the Java and Python writers.
 * The segment is created under KEY (a private key) and removed before exit.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "gpsdput.h"

static long long ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* gpsd's ntpshm_put: the receive time is read inside, then the sequence with C11 seq_cst fences. */
static __attribute__((noinline)) void update(volatile struct shmTime *t, time_t cs, long cn) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    t->mode = 1;
    gpsd_put((struct shmTime *) t, cs, cn, now.tv_sec, now.tv_nsec);
}

/* ntpd's shm_query: valid?, count, fence, copy, (clear valid,) fence, count again; 1 when OK. */
static __attribute__((noinline)) int query(volatile struct shmTime *t, int clear, struct shmTime *copy) {
    if (!t->valid) {
        return 0;
    }
    int before = t->count;
    atomic_thread_fence(memory_order_seq_cst);
    memcpy(copy, (const void *) t, sizeof *copy);
    if (clear) {
        t->valid = 0;
    }
    atomic_thread_fence(memory_order_seq_cst);
    return copy->mode != 1 || before == t->count;
}

static void print(const char *name, const long long *v, int n) {
    printf(",\"%s\":[", name);
    for (int i = 0; i < n; i++) {
        printf("%s%lld", i ? "," : "", v[i]);
    }
    printf("]");
}

static void pause_for(long long period) {
    struct timespec d = {period / 1000000000LL, period % 1000000000LL};
    nanosleep(&d, NULL);
}

/*
 * The machine's own stalls, with no JVM and no segment: after each sleep, read the clock in a loop for window ns
 * and keep the longest step between two readings. A gap of a few microseconds after a wake-up is interrupted
 * this often, whatever code runs in it (the host taking the vCPU, an interrupt), which is what the Java
 * writers' isolated maxima are compared with.
 */
static int stall(int hz, int n, long long window) {
    long long period = 1000000000LL / hz;
    long long *s = calloc(n, sizeof *s);
    for (int i = 0; i < n; i++) {
        pause_for(period);
        long long t0 = ns(CLOCK_REALTIME);
        long long last = t0;
        long long longest = 0;
        while (last - t0 < window) {
            long long t = ns(CLOCK_REALTIME);
            if (t - last > longest) {
                longest = t - last;
            }
            last = t;
        }
        s[i] = longest;
    }
    printf("{\"writer\":\"machine\",\"jdk\":\"\",\"backend\":\"C, no segment\","
           "\"op\":\"clock readings for %lld ns after each wake-up\",\"hz\":%d,\"windowNs\":%lld",
           window, hz, window);
    print("stallNs", s, n);
    printf("}\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[1], "write") && strcmp(argv[1], "read") && strcmp(argv[1], "stall"))) {
        fprintf(stderr, "usage: fidelity-c write|read HZ SAMPLES KEY | stall HZ SAMPLES WINDOW_NS\n");
        return 2;
    }
    int hz = atoi(argv[2]);
    int n = atoi(argv[3]);
    if (!strcmp(argv[1], "stall")) {
        return stall(hz, n, atoll(argv[4]));
    }
    int key = (int) strtol(argv[4], NULL, 0);
    long long period = 1000000000LL / hz;
    long long *a = calloc(n, sizeof *a);
    long long *b = calloc(n, sizeof *b);
    long long t0 = ns(CLOCK_MONOTONIC);
    int id = shmget(key, sizeof(struct shmTime), IPC_CREAT | IPC_EXCL | 0600);
    if (id < 0) {
        perror("shmget");
        return 1;
    }
    volatile struct shmTime *t = shmat(id, NULL, 0);
    shmctl(id, IPC_RMID, NULL);  /* removed once detached, whatever happens next */
    if (t == (void *) -1) {
        perror("shmat");
        return 1;
    }
    long long open_ns = ns(CLOCK_MONOTONIC) - t0;
    long long first_ns = 0;
    struct shmTime copy;
    int ok = 0;
    for (int i = 0; i < n; i++) {
        if (!strcmp(argv[1], "write")) {
            long long caller = ns(CLOCK_REALTIME);
            update(t, caller / 1000000000LL - 1, caller % 1000000000LL);
            long long end = ns(CLOCK_REALTIME);
            if (i == 0) {
                first_ns = ns(CLOCK_MONOTONIC) - t0;
            }
            a[i] = t->receiveTimeStampSec * 1000000000LL + t->receiveTimeStampNSec - caller;
            b[i] = end - caller;
        } else {
            long long caller = ns(CLOCK_REALTIME);
            update(t, caller / 1000000000LL - 1, caller % 1000000000LL);
            long long t1 = ns(CLOCK_MONOTONIC);
            ok += query(t, 0, &copy);
            long long t2 = ns(CLOCK_MONOTONIC);
            ok += query(t, 1, &copy);
            long long t3 = ns(CLOCK_MONOTONIC);
            a[i] = t2 - t1;
            b[i] = t3 - t2;
        }
        pause_for(period);
    }
    shmdt((const void *) t);
    const char *head = "{\"writer\":\"C\",\"jdk\":\"\",\"backend\":\"gcc -O2\"";
    if (!strcmp(argv[1], "write")) {
        printf("%s,\"op\":\"update(clock), gpsd's sequence\",\"hz\":%d,\"openNs\":%lld,\"firstSampleNs\":%lld",
               head, hz, open_ns, first_ns);
        print("gapNs", a, n);
        print("callNs", b, n);
        printf("}\n");
    } else {
        printf("%s,\"op\":\"ntpd's read (peek)\",\"hz\":%d,\"openNs\":%lld,\"status\":%d", head, hz, open_ns, ok);
        print("callNs", a, n);
        printf("}\n%s,\"op\":\"ntpd's read (consume)\",\"hz\":%d,\"openNs\":%lld", head, hz, open_ns);
        print("callNs", b, n);
        printf("}\n");
    }
    return 0;
}
