#!/usr/bin/env bash
# Regenerates expected/ from cases/ with real Apache FreeMarker 2.3.31 (Debian libfreemarker-java).
# Needs: java + javac (default-jdk-headless) and /usr/share/java/freemarker.jar (libfreemarker-java).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${FREEMARKER_JAR:-/usr/share/java/freemarker.jar}"
[ -f "$jar" ] || { echo "regen.sh: $jar not found (apt-get install libfreemarker-java)" >&2; exit 2; }
command -v javac >/dev/null || { echo "regen.sh: javac not found (apt-get install default-jdk-headless)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
javac -nowarn -cp "$jar" -d "$tmp/classes" "$here/Runner.java"

rm -rf "$here/expected"
mkdir -p "$here/expected"
java -Dorg.freemarker.loggerLibrary=none -Dfile.encoding=UTF-8 -cp "$tmp/classes:$jar" Runner "$here/cases" "$here/expected" >/dev/null

out=$(find "$here/expected" -name '*.out' | wc -l)
err=$(find "$here/expected" -name '*.err' | wc -l)
cases=$(find "$here/cases" -maxdepth 1 -name '*.ftl' | wc -l)
echo "$cases cases: $out rendered, $err failed -> expected/"
