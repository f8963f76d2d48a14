#!/usr/bin/env bash
# `cmake --install` gives a tree that works on its own: the installed cradle-server serves the
# installed web pages (not the source tree's) and answers /livez, the systemd unit names the
# installed binary, and nothing from the source tree's web/ folder but the pages is copied.
# Needs cradle-server and cradle-scan built in CRADLE_BINARY_DIR.
set -uo pipefail
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cradle-install-XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/server.err" ] && cat "$tmp/server.err"; exit 1; }

prefix=$tmp/prefix
"$CMAKE_COMMAND" --install "$CRADLE_BINARY_DIR" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "cmake --install"; }

for f in bin/cradle-server bin/cradle-scan share/cradle/web/index.html share/cradle/web/sw.js \
    share/cradle/web/js/app.js share/cradle/calendar/2026.json etc/cradle/cradle.conf \
    lib/systemd/system/cradle.service; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
for f in package.json package-lock.json tests tools node_modules; do
  [ -e "$prefix/share/cradle/web/$f" ] && fail "installed but not a page: web/$f"
done
unit=$prefix/lib/systemd/system/cradle.service
grep -qx "ExecStart=$prefix/bin/cradle-server --data /var/lib/cradle --config $prefix/etc/cradle/cradle.conf" \
  "$unit" || { cat "$unit"; fail "the unit does not start the installed binary"; }
grep -q '@[A-Z_]*@' "$unit" && fail "an unsubstituted @VAR@ in the unit"

# A mark only the installed copy carries: served, the server reads the installed pages.
mark="installed-tree-$$"
echo "<!-- $mark -->" >>"$prefix/share/cradle/web/index.html"

"$prefix/bin/cradle-server" --data "$tmp/data" --listen 127.0.0.1:0 >"$tmp/server.out" \
  2>"$tmp/server.err" &
pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's|^READY https://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/server.out")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the installed server exited"
  sleep 0.1
done
[ -n "$port" ] || fail "the installed server did not print READY"

get() {
  curl -sS --cacert "$tmp/data/certs/ca.crt" -o "$tmp/body" -w '%{http_code}' \
    "https://127.0.0.1:$port$1"
}
code=$(get /livez) || fail "GET /livez"
[ "$code" = 200 ] || fail "GET /livez: $code $(cat "$tmp/body")"
code=$(get /web/) || fail "GET /web/"
[ "$code" = 200 ] || fail "GET /web/: $code"
grep -q "$mark" "$tmp/body" || fail "GET /web/ did not serve the installed index.html"
code=$(get /web/js/app.js) || fail "GET /web/js/app.js"
[ "$code" = 200 ] || fail "GET /web/js/app.js: $code"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || fail "the installed server exited $rc on SIGTERM"
echo "ok: installed into $prefix, served /livez and the installed /web/"
