#!/usr/bin/env bash
# Build output is out of reach of `git add`: .gitignore covers every build directory and what
# builds and test runs leave in the checkout, and ignores no tracked file.
set -uo pipefail
cd "$CRADLE_SOURCE_DIR" || exit 1
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "not a git checkout: nothing to check"
  exit 0
fi
fails=0
for p in build/x build-asan/x build-fuzz/x build-fuzz.configure.log build-other.configure.log \
    CMakeCache.txt CMakeFiles/x compile_commands.json Testing/x data/cradle.db \
    web/node_modules/x web/vendor/x crash-0123abcd; do
  git check-ignore -q --no-index "$p" || { echo "FAIL: $p is not ignored"; fails=$((fails + 1)); }
done
tracked=$(git ls-files --cached --ignored --exclude-standard)
[ -z "$tracked" ] || { echo "FAIL: tracked files that .gitignore ignores:"; echo "$tracked"; fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "ok: build output is ignored"
exit $fails
