#!/usr/bin/env bash
#
# SPDX-License-Identifier: Apache-2.0
#

# Reproducible builds: builds the published modules twice, from two copies of this tree in two different folders,
# with the release profile (the jars, sources and javadoc jars, the tool jar; tests skipped, nothing signed) and
# fails unless every jar is byte-identical between the two. Then asks maven-artifact-plugin whether any plugin in
# the build plan is a version known not to build reproducibly. About 3 minutes per build on 2 CPUs.
# What makes it work: project.build.outputTimestamp in the parent POM (every jar entry gets that time).
set -euo pipefail
cd "$(dirname "$0")/.."

modules=ntpdshm-bom,ntpdshm-api,ntpdshm-testsuite,ntpdshm-panama,ntpdshm-jna,ntpdshm-jnr,ntpdshm-cli
work=$(mktemp -d /tmp/ntpdshm-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT

for copy in a b; do
  mkdir -p "$work/$copy"
  # the files git knows or would add, as they are in the working tree (not target/)
  git ls-files -z --cached --others --exclude-standard \
    | (while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) \
    | tar --null -T - -cf - | tar -xf - -C "$work/$copy"
  echo "== build $copy in $work/$copy"
  (cd "$work/$copy" && mvn -B -q -ntp -Prelease -Dgpg.skip -DskipTests -Dlicense.skip -pl "$modules" -am package)
done

compared=0
differ=0
while IFS= read -r -d '' jar; do
  rel=${jar#"$work/a/"}
  compared=$((compared + 1))
  if ! cmp -s "$jar" "$work/b/$rel"; then
    differ=$((differ + 1))
    echo "DIFFERS: $rel; entries whose size, CRC or time differ:" >&2
    diff <(unzip -v "$jar" | awk 'NR>3 {print $1, $5, $6, $7, $8}') \
         <(unzip -v "$work/b/$rel" | awk 'NR>3 {print $1, $5, $6, $7, $8}') | head -20 >&2 || true
  fi
done < <(find "$work/a" -path '*/target/*.jar' -print0 | sort -z)

if [ "$compared" -eq 0 ]; then
  echo "no jars were built" >&2
  exit 1
fi

echo "== maven-artifact-plugin check-buildplan"
(cd "$work/a" && mvn -B -q -ntp -Prelease -Dgpg.skip -Dlicense.skip -pl "$modules" -am artifact:check-buildplan \
  -Dcheck.failOnNonReproducible=true)

if [ "$differ" -ne 0 ]; then
  echo "reproducible builds: $differ of $compared jars differ between two builds of the same tree" >&2
  exit 1
fi
echo "reproducible builds: $compared jars byte-identical between two builds in different folders"
