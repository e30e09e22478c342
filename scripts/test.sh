#!/usr/bin/env bash
#
# SPDX-License-Identifier: Apache-2.0
#

# Runs every test: the build and unit/conformance suites with Maven on JDK 17 (Panama's on a discovered
# JDK 22+), again with Maven on JDK 25, with --interop the suite against the real daemons, and with --platforms the
# conformance suite on Debian's JDK 17 for arm64, armhf, ppc64el, s390x and i386 under qemu-user
# (scripts/platforms.sh; NTPDSHM_PLATFORMS="arm64 s390x" picks some).
# As root it first installs what the tests need from Debian (the i686 cross gcc for the 32-bit C peers, qemu-user
# to run them where the kernel cannot; with --interop also ntpsec, gpsd, socat and chrony unpacked into
# /opt/chrony or $CHRONY_ROOT). The interop suite runs in the first build only, and needs root and no
# ntpd/chronyd/gpsd running (it says so and stops otherwise). NTPDSHM_EMULATE_I386=1 runs the 32-bit x86 C peers
# under qemu-i386 even where the kernel could run them. The platform table of every conformance run is written to
# target/platform-summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."

interop=false
platforms=false
for a in "$@"; do
  case "$a" in
    --interop) interop=true ;;
    --platforms) platforms=true ;;
    *) echo "usage: scripts/test.sh [--interop] [--platforms]" >&2; exit 2 ;;
  esac
done

JDK25=${JDK25:-$(ls -d /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* 2>/dev/null | head -n 1 || true)}

need_pkgs=()
# The 32-bit x86 C peers: Debian's i686 cross gcc (gcc-multilib would conflict with the other cross compilers), and
# qemu-user for kernels without IA-32 emulation.
for p in gcc gcc-i686-linux-gnu libc6-dev-i386-cross qemu-user; do dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p"); done
if $interop; then
  # ntpsec: ntpd + ntpq; gpsd: gpsd + ntpshmmon (gpsd-clients is not needed); socat: the pseudo terminal for gpsd
  for p in ntpsec gpsd socat; do dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p"); done
fi
chrony_root=${CHRONY_ROOT:-/opt/chrony}
need_chrony=false
$interop && [ ! -x "$chrony_root/usr/sbin/chronyd" ] && need_chrony=true
if [ ${#need_pkgs[@]} -gt 0 ] || $need_chrony; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${need_pkgs[*]} $($need_chrony && echo "chrony (unpacked in $chrony_root)")" \
      "(run as root, or: sudo apt-get install ${need_pkgs[*]})" >&2
    exit 1
  fi
  apt-get update -qq   # also needed by apt-get download
  if [ ${#need_pkgs[@]} -gt 0 ]; then
    echo "== installing ${need_pkgs[*]}"
    # where systemd runs, the packages start ntpd and a socket-activated gpsd: the interop suite then refuses to
    # run (it needs the real NTP units to itself); stop them with: systemctl stop ntpsec gpsd.socket gpsd
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  fi
  if $need_chrony; then
    # chrony conflicts with ntpsec: unpack it beside it instead of installing it.
    echo "== unpacking chrony into $chrony_root"
    tmp=$(mktemp -d); chmod 755 "$tmp"
    chown _apt "$tmp" 2>/dev/null || true   # apt-get download runs as _apt: otherwise it warns "unsandboxed"
    (cd "$tmp" && apt-get download -qq chrony && dpkg -x chrony_*.deb "$chrony_root")
    rm -rf "$tmp"
  fi
fi
export CHRONY_ROOT=$chrony_root

# promtool (ExporterIT lints the exporter's scrape with it): unpacked from Debian's prometheus package like chrony,
# so that no Prometheus server is installed or started. socat and systemd-notify: ServiceIT's readiness check.
prom_root=${PROMETHEUS_ROOT:-/opt/prometheus}
if ! command -v promtool >/dev/null && [ ! -x "$prom_root/usr/bin/promtool" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing promtool (run as root, or: apt-get download prometheus && dpkg -x prometheus_*.deb $prom_root)" >&2
    exit 1
  fi
  echo "== unpacking promtool from Debian's prometheus into $prom_root"
  apt-get update -qq
  tmp=$(mktemp -d); chmod 755 "$tmp"
  chown _apt "$tmp" 2>/dev/null || true
  (cd "$tmp" && apt-get download -qq prometheus && dpkg -x prometheus_*.deb "$prom_root")
  rm -rf "$tmp"
fi
export PROMTOOL=${PROMTOOL:-$(command -v promtool || echo "$prom_root/usr/bin/promtool")}
if [ "$(id -u)" = 0 ] && ! command -v socat >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq socat >/dev/null
fi

# The interop suite (real daemons on the real NTP keys, ~20 s) runs once, in the first build; its module forks its
# tests on a discovered JDK 22+ whichever JDK runs Maven.
profiles=""
$interop && profiles="-Pinterop"

rm -rf ntpdshm-*/target/platform-record

echo "== mvn verify, Maven on $(java -version 2>&1 | head -n 1)"
mvn -B -ntp verify $profiles

if [ -n "$JDK25" ] && [ -x "$JDK25/bin/java" ]; then
  echo "== mvn verify, Maven on $("$JDK25/bin/java" -version 2>&1 | head -n 1)"
  # Maven 3.8's bundled guava warns about sun.misc.Unsafe on JDK 24+; that warning is Maven's, not ours.
  # The reliability group ran in the first build; once is its evidence, and it is the slowest group.
  JAVA_HOME="$JDK25" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -ntp verify \
    -DexcludedGroups=reliability
else
  echo "no JDK 25 found under /usr/lib/jvm: skipping the second run (set JDK25=/path/to/jdk)" >&2
  exit 1
fi

if $platforms; then
  # shellcheck disable=SC2086  # a list of architectures
  scripts/platforms.sh ${NTPDSHM_PLATFORMS:-}
fi
mkdir -p target
scripts/platform-table.sh > target/platform-summary.md
