#!/usr/bin/env bash
# Runs every suite in conformance/suites against freshly started gateways (the built dist/ output,
# as a black box: nothing here imports the source). One PASS/FAIL line per client and step.
set -u
# `npm run conformance -- scep` (or SUITE=scep) runs the suites whose file name contains "scep".
SUITE=${SUITE:-${1:-}}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gateway-conformance-XXXXXX")
PASSED=0
FAILED=0
STARTED_PIDS=()
cleanup() {
  for pid in "${STARTED_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=conformance/lib.sh
. "$ROOT/conformance/lib.sh"

if [ -z "${NO_BUILD:-}" ]; then (cd "$ROOT" && npm run --silent build) || { echo "FAIL build"; exit 1; }; fi
for suite in "$ROOT"/conformance/suites/*.sh; do
  [ -n "${SUITE:-}" ] && [[ "$(basename "$suite")" != *"$SUITE"* ]] && continue
  echo "# $(basename "$suite" .sh)"
  # shellcheck source=/dev/null
  . "$suite"
done
echo "conformance: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
