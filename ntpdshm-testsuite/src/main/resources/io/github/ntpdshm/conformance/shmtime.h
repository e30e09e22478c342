/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * struct shmTime, the NTP SHM segment (ntpd's refclock_shm.c, gpsd's ntpshm.h, chrony's refclock_shm.c), once for
 * every C program of ntpdshm: the conformance peers (shmpeer.c, shmstress.c, compiled by CPeer for each layout)
 * and the benchmarks' C baseline (ntpdshm-bench/src/main/c/shmbaseline.c, compiled with -I to this folder).
 * Its size and offsets follow from the compiler's time_t: 96 bytes with a 64-bit time_t on LP64, 80 on ILP32,
 * 88 on ILP32 with -D_TIME_BITS=64. count and valid are volatile as in ntpd: the protocol's fences order them.
 */
#ifndef NTPDSHM_SHMTIME_H
#define NTPDSHM_SHMTIME_H

#include <time.h>

struct shmTime {
    int          mode;
    volatile int count;
    time_t       clockTimeStampSec;
    int          clockTimeStampUSec;
    time_t       receiveTimeStampSec;
    int          receiveTimeStampUSec;
    int          leap;
    int          precision;
    int          nsamples;
    volatile int valid;
    unsigned     clockTimeStampNSec;
    unsigned     receiveTimeStampNSec;
    int          dummy[8];
};

#endif
