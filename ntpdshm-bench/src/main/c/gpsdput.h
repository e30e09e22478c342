/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * gpsd's write sequence (ntpshm_put / ntp_write in gpsd's ntpshmwrite.c) with C11 seq_cst fences, as both C
 * writers of the bench use it: shmbaseline.c (the JMH twin) and fidelity.c (the once-a-second writer).
 */
#ifndef NTPDSHM_GPSDPUT_H
#define NTPDSHM_GPSDPUT_H

#include <stdatomic.h>

#include "shmtime.h"

static inline void gpsd_put(struct shmTime *t, time_t cs, long cn, time_t rs, long rn) {
    t->valid = 0;
    t->count++;
    atomic_thread_fence(memory_order_seq_cst);
    t->clockTimeStampSec = cs;
    t->clockTimeStampUSec = (int) (cn / 1000);
    t->clockTimeStampNSec = (unsigned) cn;
    t->receiveTimeStampSec = rs;
    t->receiveTimeStampUSec = (int) (rn / 1000);
    t->receiveTimeStampNSec = (unsigned) rn;
    t->leap = 0;
    t->precision = -20;
    atomic_thread_fence(memory_order_seq_cst);
    t->count++;
    atomic_thread_fence(memory_order_seq_cst);
    t->valid = 1;
}

#endif
