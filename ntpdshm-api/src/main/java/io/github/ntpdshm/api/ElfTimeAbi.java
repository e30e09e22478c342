package io.github.ntpdshm.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code struct shmTime} layout a dynamically linked ELF program was built with, read from its headers: 64-bit
 * programs have a 64-bit {@code time_t}; 32-bit ones have one only when built with {@code _TIME_BITS=64}, which
 * makes them import glibc's 64-bit-time entry points ({@code __clock_gettime64}, {@code __shmctl64}, ...) instead
 * of the classic ones.
 *
 * <p>Written by hand because it needs a few fixed fields of the ELF header, the section headers and one string table,
 * which no small, maintained Java library offers without pulling in far more than that.
 */
final class ElfTimeAbi {

    private static final int EM_386 = 3;
    private static final int SHT_DYNSYM = 11;
    /** glibc 2.34+'s 64-bit-time symbols that a daemon reading the clock or a segment imports. */
    private static final List<String> TIME64_SYMBOLS = Arrays.asList("__clock_gettime64", "__gettimeofday64",
            "__time64", "__shmctl64", "__clock_adjtime64", "__adjtimex64", "__ntp_gettime64", "__nanosleep64",
            "__clock_settime64", "__select64", "__pselect64", "__ppoll64", "__localtime64", "__gmtime64");

    /** What a binary says: its layout, or empty when it does not tell, and a phrase for the evidence. */
    static final class Finding {
        final Optional<ShmLayout> layout;
        final String what;

        Finding(Optional<ShmLayout> layout, String what) {
            this.layout = layout;
            this.what = what;
        }
    }

    private ElfTimeAbi() {
    }

    static Finding read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer h = read(ch, 0, 64);
            if (h.limit() < 52 || h.getInt(0) != 0x7F454C46) {  // "\177ELF", read big-endian
                return new Finding(Optional.empty(), "not an ELF program");
            }
            boolean is64 = h.get(4) == 2;
            h.order(h.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int machine = Short.toUnsignedInt(h.getShort(18));
            if (is64) {
                return new Finding(Optional.of(ShmLayout.LP64), "64-bit program, 64-bit time_t");
            }
            String arch = machine == EM_386 ? "32-bit x86" : "32-bit (ELF machine " + machine + ")";
            Optional<byte[]> names = dynamicSymbolNames(ch, h);
            if (!names.isPresent()) {
                return new Finding(Optional.empty(), arch + " program without dynamic symbols: its time_t cannot be told");
            }
            String all = new String(names.get(), StandardCharsets.ISO_8859_1);
            for (String s : TIME64_SYMBOLS) {
                if (all.contains("\0" + s + "\0")) {
                    // 64-bit time_t is 8-aligned on 32-bit ARM (the LP64 offsets) but 4-aligned on i386.
                    return new Finding(Optional.of(machine == EM_386 ? ShmLayout.ILP32_TIME64 : ShmLayout.LP64),
                            arch + " program, 64-bit time_t (imports " + s + ")");
                }
            }
            return new Finding(Optional.of(ShmLayout.ILP32), arch + " program, 32-bit time_t");
        } catch (IOException | RuntimeException e) {
            return new Finding(Optional.empty(), "unreadable (" + e.getMessage() + ")");
        }
    }

    /** The string table of {@code .dynsym} (32-bit ELF), if the program has one. */
    private static Optional<byte[]> dynamicSymbolNames(FileChannel ch, ByteBuffer h) throws IOException {
        long shoff = Integer.toUnsignedLong(h.getInt(0x20));
        int shentsize = Short.toUnsignedInt(h.getShort(0x2E));
        int shnum = Short.toUnsignedInt(h.getShort(0x30));
        if (shoff == 0 || shentsize < 0x28 || shnum == 0) {
            return Optional.empty();
        }
        ByteBuffer sh = read(ch, shoff, shentsize * shnum).order(h.order());
        for (int i = 0; i < shnum; i++) {
            int base = i * shentsize;
            if (base + 0x28 <= sh.limit() && sh.getInt(base + 4) == SHT_DYNSYM) {
                int link = sh.getInt(base + 0x18);
                int s = link * shentsize;
                if (link <= 0 || link >= shnum || s + 0x28 > sh.limit()) {
                    return Optional.empty();
                }
                long off = Integer.toUnsignedLong(sh.getInt(s + 0x10));
                int size = sh.getInt(s + 0x14);
                ByteBuffer strings = read(ch, off, Math.min(size, 1 << 22));
                byte[] out = new byte[strings.limit() + 2];
                strings.get(out, 1, strings.limit());  // NUL on both ends, so every name is "\0name\0"
                return Optional.of(out);
            }
        }
        return Optional.empty();
    }

    private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.max(0, len));
        while (b.hasRemaining() && ch.read(b, pos + b.position()) > 0) {
            // keep reading: a channel may return fewer bytes than asked
        }
        b.flip();
        return b;
    }
}
