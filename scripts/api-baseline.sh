#!/usr/bin/env bash
# Regenerates api-baseline/, the public API that `./mvnw verify` holds brightchain-net-api, -core
# and -netty to (japicmp, docs/api-stability.md), from the sources as they are now.
#
# Run it deliberately, in the same commit as an accepted incompatible change and its CHANGELOG
# entry, or when a release becomes the new baseline. Never to make a failing check pass unseen.
#
#   scripts/api-baseline.sh            build the three jars (no tests), then write the baseline
#   scripts/api-baseline.sh --no-build use the jars already in */target
#
# For each module it writes, from the packages its module-info exports to everyone:
#   api-baseline/MODULE.jar       their classes only (no internals, no resources, no manifest),
#                                 with fixed entry dates, so an unchanged API gives the same bytes;
#   api-baseline/MODULE.api.txt   `javap -protected` of those classes: the same API, for review.
# and api-baseline/baseline.properties: the commit and project version it was made from.
#
# Needs a JDK 17 (jar, javap); after it, `./mvnw -B verify` must pass.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

modules=(brightchain-net-api brightchain-net-core brightchain-net-netty)
out=api-baseline

if [[ "${1:-}" != "--no-build" ]]; then
  echo "building ${modules[*]} ..." >&2
  ./mvnw -q -B -Dmaven.test.skip=true -Djapicmp.skip=true package \
    -pl "$(IFS=,; echo "${modules[*]}")" -am >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

for m in "${modules[@]}"; do
  jar="$(find "$m/target" -maxdepth 1 -name "$m-*.jar" ! -name '*-tests.jar' ! -name '*-sources.jar' \
    ! -name '*-javadoc.jar' | head -1)"
  [[ -n "$jar" ]] || { echo "no jar of $m in $m/target: build first" >&2; exit 1; }
  info="$(find "$m/src/main/java" -name module-info.java | head -1)"
  # Unqualified exports only: `exports a.b;` (an `exports a.b to ...` is not API).
  packages="$(sed -n 's/^[[:space:]]*exports[[:space:]]\{1,\}\([A-Za-z0-9_.]\{1,\}\)[[:space:]]*;.*/\1/p' "$info")"
  [[ -n "$packages" ]] || { echo "no exported package found in $info" >&2; exit 1; }

  rm -rf "$work/all" "$work/api"
  mkdir -p "$work/all" "$work/api"
  (cd "$work/all" && jar --extract --file "$root/$jar")
  for p in $packages; do
    dir="${p//.//}"
    mkdir -p "$work/api/$dir"
    # The package's own classes (nested ones included), not its subpackages.
    find "$work/all/$dir" -maxdepth 1 -type f -name '*.class' ! -name 'package-info.class' \
      -exec cp {} "$work/api/$dir/" \;
  done
  files="$(cd "$work/api" && find . -type f -name '*.class' | sed 's|^\./||' | LC_ALL=C sort)"
  rm -f "$out/$m.jar"
  # shellcheck disable=SC2086 # one argument per class file
  (cd "$work/api" && jar --create --no-manifest --date=2000-01-01T00:00:00Z --file "$root/$out/$m.jar" $files)
  # shellcheck disable=SC2001
  classes="$(echo "$files" | sed 's|\.class$||; s|/|.|g')"
  # shellcheck disable=SC2086
  javap -protected -cp "$out/$m.jar" $classes > "$out/$m.api.txt"
  echo "$out/$m.jar: $(echo "$files" | wc -l) classes from $(echo $packages | tr ' ' ',')" >&2
done

version="$(sed -n '0,/<version>/s|.*<version>\(.*\)</version>.*|\1|p' pom.xml)"
commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain -- '*/src/main' 2>/dev/null)" ]]; then
  commit="$commit+uncommitted"
fi
cat > "$out/baseline.properties" <<EOF
# Made by scripts/api-baseline.sh; see docs/api-stability.md.
project.version=$version
source.commit=$commit
EOF
echo "wrote $out/; review with: git diff --stat $out; git diff $out/*.api.txt" >&2
