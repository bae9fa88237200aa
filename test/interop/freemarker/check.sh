#!/usr/bin/env bash
# Renders cases/ with real Apache FreeMarker into a temp dir and compares with expected/.
# Exit 0: identical. Exit 1: some case differs (listed as "DIFF <case>: ..."). Exit 2: setup problem.
# Needs: java + javac (default-jdk-headless) and /usr/share/java/freemarker.jar (libfreemarker-java).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${FREEMARKER_JAR:-/usr/share/java/freemarker.jar}"
[ -f "$jar" ] || { echo "check.sh: $jar not found (apt-get install libfreemarker-java)" >&2; exit 2; }
command -v javac >/dev/null || { echo "check.sh: javac not found (apt-get install default-jdk-headless)" >&2; exit 2; }
[ -d "$here/expected" ] || { echo "check.sh: $here/expected missing (run regen.sh)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
javac -nowarn -cp "$jar" -d "$tmp/classes" "$here/Runner.java" || { echo "check.sh: javac failed" >&2; exit 2; }
mkdir -p "$tmp/actual"
summary=$(java -Dorg.freemarker.loggerLibrary=none -Dfile.encoding=UTF-8 -cp "$tmp/classes:$jar" Runner "$here/cases" "$tmp/actual") \
  || { echo "check.sh: the runner failed" >&2; exit 2; }
echo "real FreeMarker: $summary"

status=0
names=$( (cd "$here/expected" && ls; cd "$tmp/actual" && ls) | sed -E 's/\.(out|err)$//' | sort -u)
for n in $names; do
  for ext in out err; do
    e="$here/expected/$n.$ext"; a="$tmp/actual/$n.$ext"
    if [ -f "$e" ] && [ ! -f "$tmp/actual/$n.out" ] && [ ! -f "$tmp/actual/$n.err" ]; then
      echo "DIFF $n: expected/$n.$ext has no case in cases/ (stale; run regen.sh)"
      status=1
    elif [ -f "$e" ] && [ ! -f "$a" ]; then
      other=$([ "$ext" = out ] && echo err || echo out)
      echo "DIFF $n: expected $n.$ext, real FreeMarker produced $n.$other"
      [ -f "$tmp/actual/$n.err" ] && head -4 "$tmp/actual/$n.err" | sed 's/^/    /'
      status=1
    elif [ ! -f "$e" ] && [ -f "$a" ]; then
      [ -f "$here/expected/$n.out" ] || [ -f "$here/expected/$n.err" ] || { echo "DIFF $n: no expected output (run regen.sh)"; status=1; }
    elif [ -f "$e" ] && ! cmp -s "$e" "$a"; then
      echo "DIFF $n: $n.$ext differs"
      diff -u --label "expected/$n.$ext" --label "freemarker/$n.$ext" "$e" "$a" | head -40 | sed 's/^/    /'
      status=1
    fi
  done
done
if [ $status -eq 0 ]; then
  echo "OK: every case matches expected/ ($(ls "$here/expected" | wc -l) files)"
fi
exit $status
