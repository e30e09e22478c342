#!/bin/sh
#
# SPDX-License-Identifier: Apache-2.0
#

# The fidelity benchmark (issue #11): the seed's loop (read the clock, update(clock - 1 s), sleep) at 1 Hz and
# 16 Hz from the first sample after open(), each series in a fresh JVM: every backend that runs on JDK 17 and on
# JDK 25, update(double) and update(Instant), and at 1 Hz the seed's own update(now.plusNanos(-1 s)); a reader
# (peek/consume(Mutable)) at 1 Hz; beside a C writer (gpsd's sequence) and a Python ctypes writer (the seed's
# design) in the same session, and the machine alone (fidelity-c stall: its own stalls after a wake-up).
# Private SysV keys only; every segment is removed. About 9 minutes. Writes results/fidelity.jsonl (one JSON
# object per series) and results/FIDELITY.md.
#
#   ntpdshm-bench/fidelity.sh                 # everything
#   SAMPLES_1HZ=5 SAMPLES_16HZ=20 ntpdshm-bench/fidelity.sh    # a quick look
#   SKIP_BUILD=1 RESULTS=/tmp/r ntpdshm-bench/fidelity.sh      # reuse target/, write elsewhere
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
# 1 Hz is the rate the issue is about: every sample after a 1 s sleep is cold; 15 of them (15 s a series) show
# the spread. 16 Hz shows whether a faster loop warms itself; 120 samples (7.5 s) give a p99 from more than one
# sample and, with the GC log, the allocation check over 240 calls a JVM.
SAMPLES_1HZ=${SAMPLES_1HZ:-15}
SAMPLES_16HZ=${SAMPLES_16HZ:-120}
jar=$here/target/benchmarks.jar
cwriter=$here/target/fidelity-c
results=${RESULTS:-$here/results}
gclogs=$here/target/fidelity-gc
out=$results/fidelity.jsonl

if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$root" && mvn -q -DskipTests package -pl ntpdshm-bench -am)
fi
mkdir -p "$results" "$gclogs"
: > "$out.tmp"
start=$(date +%s)

key() {
    printf '0x%x' $((0x6E700000 | ($(od -An -N2 -tu2 /dev/urandom) % 4096) << 8 | 0xF0))
}

# java_series JDK_HOME ARGS...: one series in a fresh JVM with a small heap and a GC log, whose pauses are counted
java_series() {
    jdk=$1
    shift
    flags=--enable-native-access=ALL-UNNAMED
    if "$jdk/bin/java" --sun-misc-unsafe-memory-access=allow -version > /dev/null 2>&1; then
        flags="$flags --sun-misc-unsafe-memory-access=allow"  # jnr's jffi calls sun.misc.Unsafe: JDK 24+ warns
    fi
    log=$gclogs/$(basename "$jdk")-$(echo "$*" | tr ' ' '-').log
    "$jdk/bin/java" $flags -Xmx64m "-Xlog:gc:file=$log" -cp "$jar" io.github.ntpdshm.bench.Fidelity "$@" > "$out.one"
    pauses=$(grep -c Pause "$log" 2>/dev/null || true)
    sed "s/}\$/,\"gcLogPauses\":${pauses:-0}}/" "$out.one" >> "$out.tmp"
    rm -f "$out.one"
}

for jdk in "$JDK17" "$JDK25"; do
    if [ ! -x "$jdk/bin/java" ]; then
        echo "fidelity.sh: no JDK at $jdk; skipping it (set JDK17 / JDK25)" >&2
        continue
    fi
    backends=$("$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar" io.github.ntpdshm.bench.Backends 2>/dev/null | tr ',' ' ')
    echo "fidelity.sh: $("$jdk/bin/java" -version 2>&1 | head -n 1): backends $backends"
    for b in $backends; do
        for op in double instant; do
            java_series "$jdk" write "$b" $op 1 "$SAMPLES_1HZ"
            java_series "$jdk" write "$b" $op 16 "$SAMPLES_16HZ"
        done
        java_series "$jdk" write "$b" shifted 1 "$SAMPLES_1HZ"  # the seed's own loop, update(now.plusNanos(-1 s))
        java_series "$jdk" read "$b" 1 "$SAMPLES_1HZ"
    done
    # the JDK's own floor in the same loop, no ntpdshm in the gap: an interface call that stamps first at 1 Hz,
    # and the same after update(double)'s conversion by the caller at 16 Hz (one rate each: ten minutes in all)
    first=${backends%% *}
    java_series "$jdk" write "$first" floor 1 "$SAMPLES_1HZ"
    java_series "$jdk" write "$first" floor_double 16 "$SAMPLES_16HZ"
done

if [ -x "$cwriter" ]; then
    echo "fidelity.sh: C writer"
    "$cwriter" write 1 "$SAMPLES_1HZ" "$(key)" >> "$out.tmp"
    "$cwriter" write 16 "$SAMPLES_16HZ" "$(key)" >> "$out.tmp"
    "$cwriter" read 1 "$SAMPLES_1HZ" "$(key)" >> "$out.tmp"
    # the machine alone: how often the first 5 us after a wake-up (about a Java gap) are interrupted, and for how
    # long, with no JVM and no segment; 2 x SAMPLES_16HZ wake-ups at 16 Hz, so that rare stalls are counted
    "$cwriter" stall 1 "$SAMPLES_1HZ" 5000 >> "$out.tmp"
    "$cwriter" stall 16 $((2 * SAMPLES_16HZ)) 5000 >> "$out.tmp"
else
    echo "fidelity.sh: no $cwriter (built by mvn package where /usr/bin/gcc exists); C writer skipped" >&2
fi
if command -v python3 > /dev/null; then
    echo "fidelity.sh: Python writer"
    python3 "$here/src/main/python/fidelity.py" 1 "$SAMPLES_1HZ" "$(key)" >> "$out.tmp"
    python3 "$here/src/main/python/fidelity.py" 16 "$SAMPLES_16HZ" "$(key)" >> "$out.tmp"
else
    echo "fidelity.sh: no python3; Python writer skipped" >&2
fi
mv "$out.tmp" "$out"

model=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
machine="Machine: $model, $(nproc) CPUs ($(uname -sr)); $("$JDK17/bin/java" -version 2>&1 | head -n 1), $("$JDK25/bin/java" -version 2>&1 | head -n 1); $(python3 --version 2>&1); run took $(( $(date +%s) - start )) s"
"$JDK25/bin/java" -cp "$jar" io.github.ntpdshm.bench.FidelityTable "$results/FIDELITY.md" "$machine" "$out" > /dev/null
echo "fidelity.sh: wrote $out and $results/FIDELITY.md in $(( $(date +%s) - start )) s"
