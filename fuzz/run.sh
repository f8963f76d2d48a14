#!/usr/bin/env bash
# fuzz/run.sh SECONDS [TARGET...]: libFuzzer runs of cradle's parsers (see fuzz/README.md).
#
# Configures and builds build-fuzz with clang and -DCRADLE_FUZZ=ON (ASan + UBSan + libFuzzer),
# then runs each target (all when none is named) for SECONDS on a writable copy of its seed
# corpus and saved regressions, so the committed corpus does not grow. Prints per target
#   fuzz <target>: <execs> execs, <execs/s> exec/s, <result>
# copies every crash, timeout or OOM input into fuzz/regressions/<target>/ and exits 1 if any
# target found one (2 on a usage or build error).
set -euo pipefail

FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ_DIR")"
BUILD="${CRADLE_FUZZ_BUILD:-$ROOT/build-fuzz}"
# Every fuzz/<target>.cc is a target (replay_main.cc is the corpus replayer), so a new target is
# fuzzed here without a list to keep in step.
ALL_TARGETS=()
for f in "$FUZZ_DIR"/*.cc; do
  t=$(basename "$f" .cc)
  [[ "$t" == replay_main ]] || ALL_TARGETS+=("$t")
done

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ || "$1" -lt 1 ]]; then
  echo "usage: fuzz/run.sh SECONDS [TARGET...]   targets: ${ALL_TARGETS[*]}" >&2
  exit 2
fi
SECONDS_PER_TARGET="$1"
shift
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=("${ALL_TARGETS[@]}")
for t in "${TARGETS[@]}"; do
  [[ -f "$FUZZ_DIR/$t.cc" ]] || { echo "fuzz: no target $t" >&2; exit 2; }
done

# The dictionary of a target, if one helps it.
dict_for() {
  case "$1" in
    jwks|api_requests) echo "$FUZZ_DIR/dict/json.dict" ;;
    wm1_token|wm1_fields|wedge) echo "$FUZZ_DIR/dict/wm1.dict" ;;
    mass) echo "$FUZZ_DIR/dict/mass.dict" ;;
    civil_time) echo "$FUZZ_DIR/dict/civil_time.dict" ;;
    *) echo "" ;;
  esac
}

# -O1 -g without NDEBUG: asserts stay on while fuzzing.
if [[ ! -f "$BUILD/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCRADLE_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" >"$BUILD.configure.log" 2>&1 ||
    { cat "$BUILD.configure.log" >&2; echo "fuzz: configure failed" >&2; exit 2; }
fi
BINARIES=()
for t in "${TARGETS[@]}"; do BINARIES+=("fuzz_$t"); done
cmake --build "$BUILD" --target "${BINARIES[@]}" -j"${CRADLE_FUZZ_JOBS:-2}" ||
  { echo "fuzz: build failed" >&2; exit 2; }

failed=0
for t in "${TARGETS[@]}"; do
  work="$BUILD/runs/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts" "$FUZZ_DIR/regressions/$t"
  cp -p "$FUZZ_DIR/corpus/$t/"* "$work/corpus/" 2>/dev/null || true
  cp -p "$FUZZ_DIR/regressions/$t/"* "$work/corpus/" 2>/dev/null || true
  args=(-max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=25
        -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/")
  dict="$(dict_for "$t")"
  [[ -n "$dict" ]] && args+=(-dict="$dict")
  set +e
  "$BUILD/fuzz/fuzz_$t" "${args[@]}" "$work/corpus" >"$work/log" 2>&1
  rc=$?
  set -e
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)"
  found=()
  for a in "$work/artifacts/"*; do
    [[ -f "$a" ]] || continue
    # A saved regression failing again is reported under its own name, not copied twice.
    same=""
    for r in "$FUZZ_DIR/regressions/$t/"*; do
      [[ -f "$r" ]] && cmp -s "$a" "$r" && same="$r" && break
    done
    if [[ -z "$same" ]]; then
      cp -p "$a" "$FUZZ_DIR/regressions/$t/"
      same="$FUZZ_DIR/regressions/$t/$(basename "$a")"
    fi
    found+=("fuzz/regressions/$t/$(basename "$same")")
  done
  if [[ $rc -eq 0 && ${#found[@]} -eq 0 ]]; then
    result="ok"
  else
    failed=1
    result="FAILED (exit $rc) ${found[*]:-no input saved}; log $work/log"
    grep -m3 -E "property failed|ERROR: |runtime error" "$work/log" >&2 || true
  fi
  echo "fuzz $t: ${execs:-0} execs, ${rate:-0} exec/s, $result"
done
exit "$failed"
