#!/bin/sh
#
# SPDX-License-Identifier: Apache-2.0
#

# How long `ntpdshm list` (or another command) takes through the launcher, against `java -version` on the same
# JDK: prints both medians over N runs each, taken in turns, with their spread, and the ratio of the medians.
# Usage: scripts/startup-ratio.sh [N] [COMMAND ARGS...] (default: 10 runs of `list`). Run it on an otherwise idle machine; the first run of a new jar also makes the
# launcher's start-up cache, so it is left out.
set -e
here=$(cd "$(dirname "$0")" && pwd)
launcher=$here/../ntpdshm-cli/src/main/sh/ntpdshm
n=${1:-10}
[ $# -gt 0 ] && shift
[ $# -eq 0 ] && set -- list

# the JDK the launcher picks (it prints it with NTPDSHM_PRINT_JAVA=1)
java=$(NTPDSHM_PRINT_JAVA=1 "$launcher")

# N runs of each, taken in turns (so that a change in the machine's load touches both alike); wall-clock
# milliseconds, one "version MS" or "tool MS" line per run
runs() {
    i=0
    while [ "$i" -lt "$n" ]; do
        s=$(date +%s%N); "$java" -version >/dev/null 2>&1 || true; e=$(date +%s%N)
        echo "version $(( (e - s) / 1000000 ))"
        s=$(date +%s%N); "$launcher" "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
        echo "tool $(( (e - s) / 1000000 ))"
        i=$((i + 1))
    done
}

# median, quartiles and range of one kind of line
stats() {
    grep "^$1 " | awk '{ print $2 }' | sort -n | awk '{ a[NR] = $1 }
        END { m = (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)
              printf "%d ms (median of %d; quartiles %d..%d, range %d..%d)\n", m, NR, a[int(NR / 4) + 1], a[int(3 * NR / 4)], a[1], a[NR] }'
}

"$launcher" "$@" >/dev/null 2>&1 || true    # the first run of a new jar makes the start-up cache
all=$(runs "$@")
base=$(echo "$all" | stats version)
tool=$(echo "$all" | stats tool)
echo "java:                $java"
echo "java -version:       $base"
echo "ntpdshm $*: $tool"
awk -v t="${tool%% *}" -v b="${base%% *}" 'BEGIN { printf "ratio:               %.1f\n", t / b }'
