#!/usr/bin/env bash
# SCEP benchmark (bench/scep.ts) in a private network namespace holding only loopback: micromdm's
# scepserver 2.1.0 has no bind-address flag and would otherwise listen on every interface.
# Usage: bench/scep.sh [--driver inprocess|scepclient] [--n 200] [--concurrency 1,8] [--workers 1,2]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$ROOT/dist/src/cli.js" ] || (cd "$ROOT" && npm run --silent build)
exec unshare -n sh -c 'ip link set lo up && exec timeout 900 npx --no-install tsx "$0/bench/scep.ts" "$@"' "$ROOT" "$@"
