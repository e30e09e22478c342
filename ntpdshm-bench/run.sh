#!/bin/sh
#
# SPDX-License-Identifier: Apache-2.0
#

# Builds benchmarks.jar and runs the whole suite: on JDK 17 (the backends that run there: jna, jnr) and on
# JDK 25 (every backend, and the C baseline through Panama). Writes results/jdk<N>.json (JMH -rf json) and
# results/RESULTS.md. Takes about 9 minutes on 2 CPUs with Panama alone, about 21 with all three backends.
#
#   ntpdshm-bench/run.sh                      # everything
#   ntpdshm-bench/run.sh -f 1 -i 2 -wi 1      # quick look: extra arguments go to JMH on both JDKs
#   JDK17=/path JDK25=/path ntpdshm-bench/run.sh
#   SKIP_BUILD=1 ntpdshm-bench/run.sh         # reuse target/benchmarks.jar
#   RESULTS=/tmp/r ntpdshm-bench/run.sh ...   # write the results elsewhere (smoke runs)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
jar=$here/target/benchmarks.jar
results=${RESULTS:-$here/results}
NATIVE=--enable-native-access=ALL-UNNAMED

if [ -z "${SKIP_BUILD:-}" ]; then
    # Maven may run on 17: the toolchains plugin finds a JDK 22+ for javac (Panama and the C baseline's glue).
    (cd "$root" && mvn -q -DskipTests package -pl ntpdshm-bench -am)
fi
mkdir -p "$results"

feature() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

# run JDK_HOME [JMH args...]: the benchmarks this JVM can run, into results/jdk<N>.json
run() {
    jdk=$1
    shift
    java=$jdk/bin/java
    if [ ! -x "$java" ]; then
        echo "run.sh: no JDK at $jdk; skipping it (set JDK17 / JDK25)" >&2
        return 0
    fi
    n=$(feature "$jdk")
    # Only what can run here: a backend this JVM cannot load would fail its trial instead of being skipped.
    backends=$("$java" $NATIVE -cp "$jar" io.github.ntpdshm.bench.Backends 2>/dev/null)
    cbase=$("$java" $NATIVE -cp "$jar" io.github.ntpdshm.bench.Backends --c 2>/dev/null)
    set -- "$@" -prof gc -rf json -rff "$results/jdk$n.json"
    host=$NATIVE
    if [ "$n" -ge 24 ]; then
        # JMH 1.37 itself calls sun.misc.Unsafe, which JDK 24+ warns about on every fork.
        host="$NATIVE --sun-misc-unsafe-memory-access=allow"
        set -- "$@" -jvmArgsAppend "$host"
    fi
    if [ "$cbase" != yes ]; then
        echo "run.sh: JDK $n: C baseline skipped (${cbase#no: })"
        set -- "$@" -e CBaselineBenchmark
    fi
    if [ -z "$backends" ]; then
        echo "run.sh: JDK $n: no ntpdshm backend can run here; only the clock baseline runs"
        set -- "$@" -e 'WriteBenchmark|ReadBenchmark|OpenCloseBenchmark'
    else
        echo "run.sh: JDK $n: backends $backends"
        set -- "$@" -p "backend=$backends"
    fi
    echo "run.sh: $java $host -jar benchmarks.jar $*"
    "$java" $host -jar "$jar" "$@"
}

rm -f "$results/jdk17.json" "$results/jdk25.json"
run "$JDK17" "$@"
run "$JDK25" "$@"

model=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
machine="Machine: $model, $(nproc) CPUs ($(uname -sr)); JDKs: $("$JDK17/bin/java" -version 2>&1 | head -n 1), $("$JDK25/bin/java" -version 2>&1 | head -n 1)"
"$JDK25/bin/java" -cp "$jar" io.github.ntpdshm.bench.ResultsTable "$results/RESULTS.md" "$machine" \
    "$results/jdk17.json" "$results/jdk25.json" > /dev/null
echo "run.sh: wrote $results/RESULTS.md"
