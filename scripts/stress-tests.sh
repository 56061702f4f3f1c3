#!/usr/bin/env bash
# Runs every package's test suite N times in a row (default 5) while two `yes > /dev/null` processes keep
# both cores busy, and reports each failure with its package, run and failing test names. A test that only
# passes on an idle machine is a defect (an asserted duration, a real-time budget of a few ms).
#
#   scripts/stress-tests.sh          # 5 runs
#   scripts/stress-tests.sh 2        # 2 runs
#   LOAD=0 scripts/stress-tests.sh   # no background load
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs="${1:-5}"
export PATH="$root/node_modules/.bin:$PATH" TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 CI=1 NO_COLOR=1
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
logs="$(mktemp -d "${TMPDIR:-/tmp}/bg-replay-stress.XXXXXX")"

echo "== stress: build once"
turbo run build --output-logs=errors-only >/dev/null || { echo "stress: the build failed" >&2; exit 1; }

load=()
stop_load() { for pid in "${load[@]}"; do kill "$pid" 2>/dev/null; done; }
trap stop_load EXIT
if [ "${LOAD:-1}" != 0 ]; then
  for _ in 1 2; do
    yes >/dev/null &
    load+=("$!")
  done
  echo "== stress: background load: yes > /dev/null x2 (pids ${load[*]})"
fi

mapfile -t suites < <(node -e '
  const fs = require("node:fs");
  for (const group of ["packages", "apps"])
    for (const dir of fs.readdirSync(group)) {
      const file = `${group}/${dir}/package.json`;
      if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, "utf8")).scripts?.test) console.log(`${group}/${dir}`);
    }')

failures=0
started=$SECONDS
for run in $(seq 1 "$runs"); do
  run_started=$SECONDS
  failed_here=()
  for suite in "${suites[@]}"; do
    log="$logs/run$run-${suite//\//-}.log"
    if ! (cd "$suite" && vitest run --reporter=dot >"$log" 2>&1); then
      failures=$((failures + 1))
      failed_here+=("$suite")
      echo "   run $run: FAIL $suite (log: $log)"
      grep -E '^ *FAIL ' "$log" | head -20 | sed 's/^/     /'
    fi
  done
  if [ "${#failed_here[@]}" -eq 0 ]; then
    echo "== stress: run $run/$runs passed in $((SECONDS - run_started))s"
  else
    echo "== stress: run $run/$runs FAILED in $((SECONDS - run_started))s: ${failed_here[*]}"
  fi
done

echo "== stress: $runs run(s) of ${#suites[@]} suites in $((SECONDS - started))s, $failures failing suite run(s); logs in $logs"
[ "$failures" -eq 0 ]
