/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * daemonlike: a program that reads the clock and a segment's facts the way ntpd, chronyd and gpsd do, built
 * dynamically by a layout's toolchain so that its imports say its time_t (glibc's __clock_gettime64 and __shmctl64
 * under _TIME_BITS=64), as an installed daemon's do. Never run: LayoutChoice reads its headers.
 */
#include <sys/shm.h>
#include <time.h>

int main(void) {
    struct timespec now;
    struct shmid_ds ds;
    clock_gettime(CLOCK_REALTIME, &now);
    shmctl(0, IPC_STAT, &ds);
    return (int) (now.tv_sec & 1);
}
