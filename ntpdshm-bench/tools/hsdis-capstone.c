/*
 * SPDX-License-Identifier: Apache-2.0
 */
/*
 * A disassembler plugin for HotSpot (hsdis-amd64.so) over Capstone, so that JMH's -prof perfasm and
 * -XX:+PrintAssembly show instructions (docs/bench.md, issue #11 item 4). Written here because none is at hand:
 * Temurin and Debian's JDKs ship no hsdis, the JDK's own (src/utils/hsdis) needs the JDK's source tree and
 * configure, and Debian's libhsdis0-fcml exports only the pre-JDK 9 entry point, which JDK 17 and 25 refuse.
 *
 *   apt-get install libcapstone-dev
 *   gcc -O2 -shared -fPIC -o hsdis-amd64.so ntpdshm-bench/tools/hsdis-capstone.c -lcapstone
 *   cp hsdis-amd64.so "$JAVA_HOME/lib/"
 */
#include <stdint.h>
#include <capstone/capstone.h>

typedef void *(*event_callback_t)(void *stream, const char *event, void *arg);
typedef int (*printf_callback_t)(void *stream, const char *format, ...);

/* The entry point HotSpot looks up (hsdis.h): decode [buffer, buffer + length), which lies at start_va. */
void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_callback_t event, void *event_stream,
                                  printf_callback_t print, void *print_stream, const char *options, int newline) {
    csh handle;
    cs_insn *insn;
    (void) end_va;
    (void) options;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
        return NULL;
    }
    cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    size_t n = cs_disasm(handle, buffer, length, start_va, 0, &insn);
    for (size_t i = 0; i < n; i++) {
        event(event_stream, "insn", (void *) (uintptr_t) insn[i].address);
        print(print_stream, "%-8s %s", insn[i].mnemonic, insn[i].op_str);
        event(event_stream, "/insn", (void *) (uintptr_t) (insn[i].address + insn[i].size));
        if (newline) {
            print(print_stream, "\n");
        }
    }
    if (n > 0) {
        cs_free(insn, n);
    }
    cs_close(&handle);
    return NULL;
}
