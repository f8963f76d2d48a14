#!/usr/bin/env bash
# ./cradle configures a build directory again when its cmake options change, afresh (an option
# dropped from the list goes back to its default), and leaves it alone when they do not.
set -uo pipefail
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cradle-reconfigure-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/b
export CRADLE_SHARED_DIR
fail() { echo "FAIL: $*"; exit 1; }
bench() { sed -n 's/^CRADLE_BENCH:BOOL=//p' "$dir/CMakeCache.txt"; }

"$CRADLE_SOURCE_DIR/cradle" configure "$dir" -DCRADLE_BENCH=OFF || fail "first configure"
[ "$(bench)" = OFF ] || fail "CRADLE_BENCH is $(bench), not OFF"
[ -f "$dir/cradle-cmake-args" ] || fail "no stamp of the arguments"

# The same options: nothing to do, the cache is not rewritten.
touch -d '2000-01-01' "$dir/CMakeCache.txt"
"$CRADLE_SOURCE_DIR/cradle" configure "$dir" -DCRADLE_BENCH=OFF || fail "second configure"
[ "$(stat -c %Y "$dir/CMakeCache.txt")" = "$(date -d '2000-01-01' +%s)" ] ||
  fail "configured again with the same options"

# Other options (here: the option dropped): configured again, and the default is back.
"$CRADLE_SOURCE_DIR/cradle" configure "$dir" || fail "third configure"
[ "$(bench)" = ON ] || fail "CRADLE_BENCH is $(bench) after dropping -DCRADLE_BENCH=OFF"
echo "ok: reconfigured on a change of options, not otherwise"
