#!/usr/bin/env bash
#
# SPDX-License-Identifier: Apache-2.0
#

# Turns the conformance suite's platform records (ntpdshm-*/target/platform-record/*.tsv, one per architecture, JDK
# and backend; see PlatformRecord) into the README's platform table, in Markdown on stdout. A cell says how many
# tests passed for that backend, or how many failed, or why they were skipped; "-" where the backend did not run.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
files=(ntpdshm-*/target/platform-record/*.tsv)
if [ ${#files[@]} -eq 0 ]; then
  echo "no platform records under ntpdshm-*/target/platform-record: run the conformance suites first" >&2
  exit 1
fi
cat "${files[@]}" | awk -F'\t' '
function deb(a) { return a == "amd64" ? "amd64" : a == "aarch64" ? "arm64" : a == "arm" ? "armhf" : \
    a == "ppc64le" ? "ppc64el" : (a == "x86" || a == "i386") ? "i386" : a }
function lay(l) { return l == "-" ? "(the other tests)" : l == "LP64" ? "LP64 96" : l == "ILP32" ? "ILP32 80" : "ILP32_TIME64 88" }
function order(a) { return a == "amd64" ? 1 : a == "arm64" ? 2 : a == "armhf" ? 3 : a == "ppc64el" ? 4 : a == "s390x" ? 5 : 6 }
{
  arch = deb($1); key = order(arch) SUBSEP arch SUBSEP $2 SUBSEP $3 SUBSEP $5
  keys[key] = 1; peer[key] = $6
  cell = $8 > 0 ? "**FAIL** " $8 " of " ($7 + $8 + $9) : ($7 > 0 ? "pass " $7 : "")
  reason = $10; sub(/^Assumption failed: /, "", reason); gsub(/; Assumption failed: /, "; ", reason)
  if ($9 > 0) cell = cell (cell == "" ? "" : ", ") "skipped " $9 ": " reason
  result[key, $4] = cell
  if ($8 > 0) failed = 1
}
END {
  print "| Architecture | JDK | Run by | Layout | C peer | panama | jna | jnr |"
  print "|---|---|---|---|---|---|---|---|"
  n = 0
  for (k in keys) sorted[++n] = k
  for (i = 2; i <= n; i++) { v = sorted[i]; for (j = i - 1; j > 0 && sorted[j] > v; j--) sorted[j + 1] = sorted[j]; sorted[j + 1] = v }
  for (i = 1; i <= n; i++) {
    split(sorted[i], f, SUBSEP)
    row = "| " f[2] " | " f[3] " | " f[4] " | " lay(f[5]) " | " peer[sorted[i]] " |"
    for (b = 1; b <= 3; b++) { be = b == 1 ? "panama" : b == 2 ? "jna" : "jnr"; c = result[sorted[i], be]; row = row " " (c == "" ? "-" : c) " |" }
    print row
  }
  exit failed
}'
