/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.interop;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The kernel's clock discipline state, read with {@code adjtimex(2)} and {@code modes = 0} (a read that needs no
 * privilege and changes nothing), to prove that no daemon this suite started touched it: a daemon that set the
 * frequency, status or offset would change them, and one that set {@code maxerror} would make it shrink (the kernel
 * only ever grows it, by 500 ppm).
 */
final class KernelClock {

    /** x86_64 / LP64 {@code struct timex}: 208 bytes; the fields read here come first. */
    private static final long SIZE = 208;
    private static final long OFFSET = 8;
    private static final long FREQ = 16;
    private static final long MAXERROR = 24;
    private static final long STATUS = 40;
    private static final long CONSTANT = 48;
    private static final int STA_UNSYNC = 0x40;
    private static final long PHASE_LIMIT_US = 16_000_000L;

    private static final MethodHandle ADJTIMEX = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("adjtimex").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    final long offset;
    final long freq;
    final long maxerror;
    final int status;
    final long constant;

    private KernelClock(long offset, long freq, long maxerror, int status, long constant) {
        this.offset = offset;
        this.freq = freq;
        this.maxerror = maxerror;
        this.status = status;
        this.constant = constant;
    }

    static KernelClock read() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocate(SIZE + 48, 8);  // zeroed: modes = 0, a pure read
            int state = (int) ADJTIMEX.invokeExact(t);
            if (state < 0) {
                throw new IllegalStateException("adjtimex failed: " + state);
            }
            return new KernelClock(t.get(ValueLayout.JAVA_LONG, OFFSET), t.get(ValueLayout.JAVA_LONG, FREQ),
                    t.get(ValueLayout.JAVA_LONG, MAXERROR), t.get(ValueLayout.JAVA_INT, STATUS),
                    t.get(ValueLayout.JAVA_LONG, CONSTANT));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Null if {@code later} shows nothing set since this, else what changed. */
    String changesIn(KernelClock later) {
        StringBuilder sb = new StringBuilder();
        // The kernel itself sets STA_UNSYNC once maxerror reaches its 16 s cap (NTP_PHASE_LIMIT).
        int mask = later.maxerror >= PHASE_LIMIT_US ? ~STA_UNSYNC : ~0;
        if (later.offset != offset || later.freq != freq || (later.status & mask) != (status & mask)
                || later.constant != constant) {
            sb.append("kernel clock discipline changed: ").append(this).append(" -> ").append(later);
        }
        if (later.maxerror < maxerror) {
            sb.append(sb.length() == 0 ? "" : "; ").append("maxerror was set (").append(maxerror).append(" -> ")
                    .append(later.maxerror).append(" us)");
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public String toString() {
        return "offset=" + offset + " freq=" + freq + " status=0x" + Integer.toHexString(status) + " constant="
                + constant + " maxerror=" + maxerror;
    }
}
