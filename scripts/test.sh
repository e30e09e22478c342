#!/usr/bin/env bash
# Runs every test: the build and unit/conformance suites with Maven on JDK 17 (Panama's on a discovered
# JDK 22+), again with Maven on JDK 25, and with --interop the suite against the real daemons.
# As root it first installs what the tests need from Debian (gcc-multilib for the 32-bit C peers; with
# --interop also ntpsec, gpsd, socat and an unpacked chrony).
set -euo pipefail
cd "$(dirname "$0")/.."

interop=false
for a in "$@"; do
  case "$a" in
    --interop) interop=true ;;
    *) echo "usage: scripts/test.sh [--interop]" >&2; exit 2 ;;
  esac
done

JDK25=${JDK25:-$(ls -d /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* 2>/dev/null | head -n 1 || true)}

need_pkgs=()
dpkg -s gcc-multilib >/dev/null 2>&1 || need_pkgs+=(gcc-multilib)
if $interop; then
  for p in ntpsec gpsd gpsd-clients socat; do dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p"); done
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need_pkgs[*]} (run as root, or: sudo apt-get install ${need_pkgs[*]})" >&2
    exit 1
  fi
fi
if $interop && [ ! -x /opt/chrony/usr/sbin/chronyd ]; then
  # chrony conflicts with ntpsec: unpack it beside it instead of installing it.
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download chrony >/dev/null && dpkg -x chrony_*.deb /opt/chrony)
  rm -rf "$tmp"
fi

profiles=""
$interop && profiles="-Pinterop"

echo "== mvn verify, Maven on $(java -version 2>&1 | head -n 1)"
mvn -B -ntp verify $profiles

if [ -n "$JDK25" ] && [ -x "$JDK25/bin/java" ]; then
  echo "== mvn verify, Maven on $("$JDK25/bin/java" -version 2>&1 | head -n 1)"
  # Maven 3.8's bundled guava warns about sun.misc.Unsafe on JDK 24+; that warning is Maven's, not ours.
  JAVA_HOME="$JDK25" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -ntp verify $profiles
else
  echo "no JDK 25 found under /usr/lib/jvm: skipping the second run (set JDK25=/path/to/jdk)" >&2
  exit 1
fi
