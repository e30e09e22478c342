#!/bin/sh
# How long `ntpdshm list` (or another command) takes through the launcher, against `java -version` on the same
# JDK: prints both medians over N runs and their ratio. Usage: scripts/startup-ratio.sh [N] [COMMAND ARGS...]
# (default: 10 runs of `list`). Run it on an otherwise idle machine; the first run of a new jar also writes the
# launcher's class-data-sharing archive, so it is left out of the median.
set -e
here=$(cd "$(dirname "$0")" && pwd)
launcher=$here/../ntpdshm-cli/src/main/sh/ntpdshm
n=${1:-10}
[ $# -gt 0 ] && shift
[ $# -eq 0 ] && set -- list

# the JDK the launcher picks (it prints it with NTPDSHM_PRINT_JAVA=1)
java=$(NTPDSHM_PRINT_JAVA=1 "$launcher")

# median wall-clock milliseconds of N runs of the given command
median_ms() {
    i=0
    while [ "$i" -lt "$n" ]; do
        s=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s%N)
        echo $(( (e - s) / 1000000 ))
        i=$((i + 1))
    done | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

"$launcher" "$@" >/dev/null 2>&1 || true    # the first run of a new jar writes the CDS archive
base=$(median_ms "$java" -version)
tool=$(median_ms "$launcher" "$@")
echo "java:                $java"
echo "java -version:       $base ms (median of $n)"
echo "ntpdshm $*: $tool ms (median of $n)"
awk -v t="$tool" -v b="$base" 'BEGIN { printf "ratio:               %.1f\n", t / b }'
