/*
 * fakeserial.so: LD_PRELOAD shim for gpsd tests. gpsd classifies a device by stat():
 * a path under /dev/pts/, or a char device of major 3 or 136..143 (a pseudo terminal),
 * is "PTY", and gpsd never feeds NTP SHM from a PTY source (its test-harness guard).
 * This shim makes stat() of a pty reached through any other path (e.g. socat's link=)
 * report major 4 (ttyS, "RS232"), so gpsd treats the pty as a serial port.
 * With FAKESERIAL_PPS=1 it also plays a 1 Hz pulse on DCD: TIOCMIWAIT returns at each whole second of
 * CLOCK_REALTIME (DCD set) and 200 ms later (DCD clear), and TIOCMGET reports that DCD, so gpsd's PPS thread
 * runs on a pty (which has no modem lines) and gpsd sends its chrony SOCK samples, which come from PPS edges only.
 * Build: gcc -shared -fPIC -O2 -o fakeserial.so fakeserial.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void fix(const char *path, struct stat *st)
{
    if (S_ISCHR(st->st_mode) && strncmp(path, "/dev/pts/", 9) != 0) {
        unsigned maj = major(st->st_rdev);
        if (maj >= 136 && maj <= 143)
            st->st_rdev = makedev(4, 64 + (minor(st->st_rdev) & 0x3f));
    }
}

int stat(const char *path, struct stat *st)
{
    static int (*real)(const char *, struct stat *);
    if (!real)
        real = (int (*)(const char *, struct stat *))dlsym(RTLD_NEXT, "stat");
    int r = real(path, st);
    if (r == 0)
        fix(path, st);
    return r;
}

static volatile int dcd;

int ioctl(int fd, unsigned long request, ...)
{
    static int (*real)(int, unsigned long, ...);
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (!real)
        real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    const char *pps = getenv("FAKESERIAL_PPS");
    if (pps != NULL && strcmp(pps, "1") == 0) {
        if (request == TIOCMIWAIT) {
            struct timespec now, edge;
            clock_gettime(CLOCK_REALTIME, &now);
            edge = now;
            int next;
            if (now.tv_nsec < 200000000) {
                edge.tv_nsec = 200000000;
                next = 0;
            } else {
                edge.tv_sec += 1;
                edge.tv_nsec = 0;
                next = 1;
            }
            while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &edge, NULL) != 0) {
            }
            dcd = next;
            return 0;
        }
        if (request == TIOCMGET) {
            *(int *) arg = dcd ? TIOCM_CD : 0;
            return 0;
        }
    }
    return real(fd, request, arg);
}
