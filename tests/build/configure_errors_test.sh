#!/usr/bin/env bash
# Configure fails, saying what is missing, when shared/ or node is absent (before, a missing
# node silently dropped the web tests). Runs cmake into a temporary folder.
set -uo pipefail
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cradle-configure-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect_failure NAME MESSAGE [cmake args...]: configure must fail and print MESSAGE.
expect_failure() {
  local name=$1 message=$2
  shift 2
  local out rc
  out=$("$CMAKE_COMMAND" -S "$CRADLE_SOURCE_DIR" -B "$tmp/$name" -G Ninja "$@" 2>&1)
  rc=$?
  if [ $rc -eq 0 ]; then
    echo "FAIL $name: configure succeeded"; fails=$((fails + 1))
  elif ! grep -qF -- "$message" <<<"$out"; then
    echo "FAIL $name: no \"$message\" in:"; echo "$out"; fails=$((fails + 1))
  else
    echo "ok   $name: $(grep -F -- "$message" <<<"$out" | head -1 | sed 's/^ *//')"
  fi
}

expect_failure shared "no shared specs at CRADLE_SHARED_DIR=/nonexistent/shared" \
  -DCRADLE_SHARED_DIR=/nonexistent/shared
expect_failure node "node (Node.js) not found" \
  "-DCRADLE_SHARED_DIR=$CRADLE_SHARED_DIR" -DCRADLE_NODE=/nonexistent/node
exit $fails
