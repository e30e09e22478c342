/*
 * fakeserial.so: LD_PRELOAD shim for gpsd tests. gpsd classifies a device by stat():
 * a path under /dev/pts/, or a char device of major 3 or 136..143 (a pseudo terminal),
 * is "PTY", and gpsd never feeds NTP SHM from a PTY source (its test-harness guard).
 * This shim makes stat() of a pty reached through any other path (e.g. socat's link=)
 * report major 4 (ttyS, "RS232"), so gpsd treats the pty as a serial port.
 * Build: gcc -shared -fPIC -O2 -o fakeserial.so fakeserial.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
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
