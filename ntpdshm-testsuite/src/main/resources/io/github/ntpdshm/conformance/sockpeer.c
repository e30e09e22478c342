/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * sockpeer: an independent C peer of chrony's SOCK refclock (struct sock_sample as in chrony's refclock_sock.c),
 * built by the conformance suite's CPeer with the toolchain of each layout (on x86_64: gcc, 40 bytes; the i686
 * gcc, 32; the i686 gcc with -D_TIME_BITS=64, 40) so that the datagrams the Java side sends and reads are checked
 * against what the C compiler lays out.
 *
 *   sockpeer offsets                              print sizeof and every field's offset
 *   sockpeer abi                                  print the socket constants, errno numbers and struct sizes used
 *   sockpeer encode SEC USEC OFFSET PULSE LEAP    print the bytes of that sample in hex (OFFSET as %a or decimal)
 *   sockpeer recv PATH N                          bind PATH like chronyd, print N datagrams (fields and hex), unlink
 *   sockpeer send PATH SEC USEC OFFSET PULSE LEAP send one sample to PATH
 *   sockpeer stale PATH                           bind PATH and exit without unlinking: a stale socket file
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define SOCK_MAGIC 0x534f434b

struct sock_sample {
    struct timeval tv;
    double offset;
    int pulse;
    int leap;
    int _pad;
    int magic;
};

static void hex(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
    printf("\n");
}

static void sample(struct sock_sample *s, char **argv) {
    memset(s, 0, sizeof *s);
    s->tv.tv_sec = strtoll(argv[0], NULL, 10);
    s->tv.tv_usec = strtol(argv[1], NULL, 10);
    s->offset = strtod(argv[2], NULL);
    s->pulse = atoi(argv[3]);
    s->leap = atoi(argv[4]);
    s->magic = SOCK_MAGIC;
}

static struct sockaddr_un address(const char *path) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strncpy(a.sun_path, path, sizeof a.sun_path - 1);
    return a;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "offsets")) {
        printf("sizeof=%zu\ntimeTSize=%zu\n", sizeof(struct sock_sample), sizeof(time_t));
        printf("tv_sec=%zu\ntv_usec=%zu\n", offsetof(struct sock_sample, tv.tv_sec),
               offsetof(struct sock_sample, tv.tv_usec));
        printf("offset=%zu\npulse=%zu\nleap=%zu\n_pad=%zu\nmagic=%zu\n", offsetof(struct sock_sample, offset),
               offsetof(struct sock_sample, pulse), offsetof(struct sock_sample, leap),
               offsetof(struct sock_sample, _pad), offsetof(struct sock_sample, magic));
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "abi")) {
        printf("AF_UNIX=%d\nSOCK_DGRAM=%d\nSOCK_NONBLOCK=%d\nSOCK_CLOEXEC=%d\nPOLLIN=%d\nMSG_TRUNC=%d\n", AF_UNIX,
               SOCK_DGRAM, SOCK_NONBLOCK, SOCK_CLOEXEC, POLLIN, MSG_TRUNC);
        printf("EINTR=%d\nEAGAIN=%d\nENOTDIR=%d\nENOTSOCK=%d\nEMSGSIZE=%d\nEPROTOTYPE=%d\nEADDRINUSE=%d\n"
               "ECONNREFUSED=%d\n", EINTR, EAGAIN, ENOTDIR, ENOTSOCK, EMSGSIZE, EPROTOTYPE, EADDRINUSE, ECONNREFUSED);
        printf("sun_path=%zu\nsizeof_sun_path=%zu\nsizeof_pollfd=%zu\npollfd_events=%zu\npollfd_revents=%zu\n",
               offsetof(struct sockaddr_un, sun_path), sizeof(((struct sockaddr_un *) 0)->sun_path),
               sizeof(struct pollfd), offsetof(struct pollfd, events), offsetof(struct pollfd, revents));
        return 0;
    }
    if (argc == 7 && !strcmp(argv[1], "encode")) {
        struct sock_sample s;
        sample(&s, argv + 2);
        printf("hex=");
        hex((unsigned char *) &s, sizeof s);
        return 0;
    }
    if (argc == 8 && !strcmp(argv[1], "send")) {
        struct sock_sample s;
        sample(&s, argv + 3);
        struct sockaddr_un a = address(argv[2]);
        int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
        if (fd < 0 || sendto(fd, &s, sizeof s, 0, (struct sockaddr *) &a, sizeof a) != (ssize_t) sizeof s) {
            perror("sendto");
            return 1;
        }
        close(fd);
        return 0;
    }
    if ((argc == 4 && !strcmp(argv[1], "recv")) || (argc == 3 && !strcmp(argv[1], "stale"))) {
        struct sockaddr_un a = address(argv[2]);
        int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
        unlink(argv[2]);
        if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof a) < 0) {
            perror("bind");
            return 1;
        }
        if (argc == 3) {
            return 0;
        }
        printf("bound\n");
        fflush(stdout);
        for (int i = atoi(argv[3]); i > 0; i--) {
            unsigned char buf[256];
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n < 0) {
                perror("recv");
                return 1;
            }
            struct sock_sample s;
            memset(&s, 0, sizeof s);
            memcpy(&s, buf, (size_t) n < sizeof s ? (size_t) n : sizeof s);
            printf("length=%zd\ntv_sec=%lld\ntv_usec=%ld\noffset=%a\npulse=%d\nleap=%d\n_pad=%d\nmagic=0x%x\nhex=",
                   n, (long long) s.tv.tv_sec, (long) s.tv.tv_usec, s.offset, s.pulse, s.leap, s._pad, s.magic);
            hex(buf, (size_t) n);
        }
        unlink(argv[2]);
        return 0;
    }
    fprintf(stderr, "usage: sockpeer offsets | encode SEC USEC OFFSET PULSE LEAP | recv PATH N"
            " | send PATH SEC USEC OFFSET PULSE LEAP | stale PATH\n");
    return 2;
}
