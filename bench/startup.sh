#!/usr/bin/env bash
# Start-up time (process start → /healthz answers over HTTPS) for a first start (makes the CA) and a
# restart, and resident memory after 3 s idle. Bounded: RUNS starts of each kind, loopback only.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -f "$ROOT/dist/src/cli.js" ] || (cd "$ROOT" && npm run --silent build)
port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

measure() { # measure DIR → prints "ms rss_kb"
  local dir=$1 hp p start pid ms
  hp=$(port); p=$(port)
  start=$(date +%s%N)
  GATEWAY_DATA_DIR=$dir GATEWAY_HTTPS_PORT=$hp GATEWAY_HTTP_PORT=$p GATEWAY_LOG_LEVEL=warn \
    node "$ROOT/dist/src/cli.js" serve >/dev/null 2>&1 &
  pid=$!
  until curl -fsS --max-time 1 --cacert "$dir/root-ca.pem" "https://localhost:$hp/healthz" >/dev/null 2>&1; do sleep 0.01; done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 3
  echo "$ms $(awk '/VmRSS/{print $2}' "/proc/$pid/status")"
  kill -TERM "$pid"; wait "$pid"
}

for kind in first restart; do
  total=0; rss=0
  for i in $(seq 1 "$RUNS"); do
    dir=$WORK/$i
    [ "$kind" = first ] && rm -rf "$dir"
    read -r ms kb < <(measure "$dir")
    total=$((total + ms)); rss=$((rss + kb))
  done
  echo "$kind start (SQLite): mean $((total / RUNS)) ms to /healthz, idle RSS $((rss / RUNS / 1024)) MiB (runs: $RUNS)"
done
