#!/usr/bin/env bash
#
# SPDX-License-Identifier: Apache-2.0
#

# The conformance suite (JNA and JNR) on Debian 12's own OpenJDK 17 for other architectures, run by qemu-user on this
# x86_64 machine, with the C peers cross-compiled for each architecture.
#
#   scripts/platforms.sh [ARCH...]     ARCH: arm64 armhf ppc64el s390x i386 (default: all five)
#
# As root it first installs what that needs from Debian (qemu-user, the cross compilers) and unpacks each
# architecture's JRE with its C and C++ libraries into $NTPDSHM_FOREIGN_ROOT/ARCH (default /opt/ntpdshm-foreign),
# without installing them. Surefire then forks the foreign `java` through a small wrapper (ARCH/wrapper/bin/java)
# that starts it under qemu-ARCH. Each run leaves a record per backend under ntpdshm-*/target/platform-record/;
# scripts/platform-table.sh turns them into the README's platform table. Exits non-zero when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

root=${NTPDSHM_FOREIGN_ROOT:-/opt/ntpdshm-foreign}
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(arm64 armhf ppc64el s390x i386)

# Debian arch -> qemu-user binary and cross C compiler packages (the peers of every layout are built with gcc, the
# i686 cross gcc and these, see PeerToolchain).
qemu_of() { case $1 in arm64) echo qemu-aarch64;; armhf) echo qemu-arm;; ppc64el) echo qemu-ppc64le;;
  s390x) echo qemu-s390x;; i386) echo qemu-i386;; *) echo "unknown architecture $1 (arm64 armhf ppc64el s390x i386)" >&2; exit 2;; esac; }
gcc_of() { case $1 in arm64) echo gcc-aarch64-linux-gnu libc6-dev-arm64-cross;;
  armhf) echo gcc-arm-linux-gnueabihf libc6-dev-armhf-cross;; ppc64el) echo gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross;;
  s390x) echo gcc-s390x-linux-gnu libc6-dev-s390x-cross;; i386) ;; esac; }

for a in "${arches[@]}"; do qemu_of "$a" >/dev/null; done

# Every foreign JVM's peers include armhf's (32-bit time_t on little-endian 64-bit JVMs, see PeerToolchain).
need=(qemu-user gcc gcc-i686-linux-gnu libc6-dev-i386-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross)
for a in "${arches[@]}"; do read -r -a p <<< "$(gcc_of "$a")"; need+=("${p[@]}"); done
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
todo=()
for a in "${arches[@]}"; do [ -f "$root/$a/.complete" ] || todo+=("$a"); done
if [ ${#missing[@]} -gt 0 ] || [ ${#todo[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "needs root to install ${missing[*]} and unpack the JREs for ${todo[*]} into $root" >&2
    exit 1
  fi
  for a in "${todo[@]}"; do
    dpkg --print-foreign-architectures | grep -qx "$a" || dpkg --add-architecture "$a"
  done
  # A mirror mid-sync fails one index now and then; what was fetched is still usable, so retry once and go on.
  apt-get -o DPkg::Lock::Timeout=600 update -qq || { sleep 10; apt-get -o DPkg::Lock::Timeout=600 update -qq; } ||
    echo "warning: apt-get update failed for some indexes; trying with what it has" >&2
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
  for a in "${todo[@]}"; do
    echo "== unpacking Debian's OpenJDK 17 for $a into $root/$a"
    tmp=$(mktemp -d); chmod 755 "$tmp"; chown _apt "$tmp" 2>/dev/null || true
    (cd "$tmp" && apt-get download -qq "openjdk-17-jre-headless:$a" "libc6:$a" "libgcc-s1:$a" "libstdc++6:$a" \
      "zlib1g:$a")
    rm -rf "${root:?}/$a"; mkdir -p "$root/$a"
    for f in "$tmp"/*.deb; do dpkg -x "$f" "$root/$a"; done
    # Absolute symlinks (ppc64el's /lib64/ld64.so.2) point into the host's /; make them point into the sysroot.
    find "$root/$a" -type l -lname '/*' | while read -r l; do ln -sfn "$root/$a$(readlink "$l")" "$l"; done
    rm -rf "$tmp"
    touch "$root/$a/.complete"
  done
fi

# The wrapper surefire forks: the foreign java under qemu. Processes it starts run on the host kernel, which cannot
# execute a foreign binary; VFORK makes the JDK exec the command itself instead of through its own (foreign)
# jspawnhelper, and the tests run their foreign peers through qemu (PeerToolchain) and this wrapper (OtherUser).
wrap() {
  local a=$1 q jvm w
  q=$(qemu_of "$a")
  jvm=$(ls -d "$root/$a"/usr/lib/jvm/java-17-openjdk-*/bin/java | head -n 1)
  w="$root/$a/wrapper/bin/java"
  mkdir -p "$(dirname "$w")"
  # Under emulation: C1 only and the serial collector, so fewer threads run (and are being translated by qemu) when
  # the JVM forks a peer; a fork that still deadlocks in qemu is killed and retried by the tests' ForkWatchdog. A
  # small heap: the serial collector would reserve a quarter of the host's memory, more than a 32-bit guest has.
  local run="$q -L \"$root/$a\"" by=$q flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m"
  if [ "$a" = i386 ]; then
    # HotSpot for i386 crashes under qemu-i386 (its safepoint polling relies on SIGSEGV handling that qemu does
    # not reproduce), so the i386 JVM runs natively through its own dynamic loader, on kernels that can.
    local ld="$root/$a/lib/i386-linux-gnu/ld-linux.so.2"
    if ! "$ld" --version >/dev/null 2>&1; then
      echo "skip"
      return
    fi
    run="\"$ld\" --library-path \"$root/$a/lib/i386-linux-gnu:$root/$a/usr/lib/i386-linux-gnu\""
    by="native-ld.so"
    flags=""
  fi
  cat > "$w" <<EOW
#!/bin/sh
exec $run "$jvm" $flags -Djdk.lang.Process.launchMechanism=VFORK -Dntpdshm.test.emulator=$by -Dntpdshm.test.java="$w" "\$@"
EOW
  chmod 755 "$w"
  echo "$w"
}

failed=()
for a in "${arches[@]}"; do
  w=$(wrap "$a")
  if [ "$w" = skip ]; then
    echo "== $a: NOT RUN: this kernel cannot execute i386 programs, and HotSpot for i386 does not run under qemu-i386"
    continue
  fi
  echo "== conformance suite on $a: $("$w" -version 2>&1 | sed -n 2p) ($(sed -n 's/.*emulator=\([^ ]*\).*/\1/p' "$w"))"
  start=$(date +%s)
  if mvn -B -ntp verify -pl ntpdshm-api,ntpdshm-testsuite,ntpdshm-jna,ntpdshm-jnr -Dforeign.java="$w" -Pforeign; then
    echo "== $a: passed in $(( $(date +%s) - start )) s"
  else
    echo "== $a: FAILED after $(( $(date +%s) - start )) s"
    failed+=("$a")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "conformance failed on: ${failed[*]}" >&2
  exit 1
fi
