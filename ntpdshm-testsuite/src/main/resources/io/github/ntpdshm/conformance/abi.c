/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * abi: the C library's own numbers for what ntpdshm passes to or reads from the kernel, printed as name=value
 * lines, so the conformance suite checks the Java constants against the ABI of the JVM under test.
 * (Separate from shmpeer.c: <errno.h> needs the target's kernel headers, which gcc -m32 on Debian may lack.)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define NUM(c) printf(#c "=%ld\n", (long) (c));

int main(void) {
    NUM(EPERM) NUM(ENOENT) NUM(ENOMEM) NUM(EACCES) NUM(EFAULT) NUM(EEXIST) NUM(EINVAL) NUM(ENFILE)
    NUM(EMFILE) NUM(ENOSPC) NUM(EIDRM)
    NUM(IPC_CREAT) NUM(IPC_EXCL) NUM(IPC_RMID) NUM(IPC_STAT) NUM(SHM_RDONLY)
    uint32_t one = 1;
    printf("bigEndian=%d\n", *(unsigned char *) &one == 0);
    return 0;
}
