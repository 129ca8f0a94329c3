# Shared helpers for conformance suites: start the built gateway as a black box, report PASS/FAIL.
# Sourced by conformance/run.sh; every suite gets a fresh data directory under $WORK.

pass() { echo "PASS $1"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $1${2:+ — $2}"; FAILED=$((FAILED + 1)); }
check() { # check "name" command...
  local name=$1; shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"; fi
}

# free_port: a port on 127.0.0.1 nobody listens on now, and one this run has not handed out before:
# the kernel may offer a port it just released again, so two calls in a row could agree.
free_port() {
  local port
  while :; do
    port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    if ! grep -qx "$port" "$WORK/.ports-given" 2>/dev/null; then
      echo "$port" >>"$WORK/.ports-given"
      echo "$port"
      return
    fi
  done
}

# start_gateway NAME [ENV=VALUE…]: starts `node dist/src/cli.js serve`, waits for /healthz, sets
# GW_PID, GW_HTTPS, GW_HTTP, GW_DIR, GW_LOG for that instance.
start_gateway() {
  local name=$1; shift
  GW_DIR=${GW_DIR_OVERRIDE:-$WORK/$name}
  mkdir -p "$GW_DIR"
  local https_port http_port
  https_port=$(free_port); http_port=$(free_port)
  GW_LOG=$WORK/$name.log
  env GATEWAY_DATA_DIR="$GW_DIR" GATEWAY_HTTPS_PORT="$https_port" GATEWAY_HTTP_PORT="$http_port" "$@" \
    node "$ROOT/dist/src/cli.js" serve >>"$GW_LOG" 2>&1 &
  GW_PID=$!
  GW_HTTPS="https://localhost:$https_port"
  GW_HTTP="http://localhost:$http_port"
  for _ in $(seq 1 100); do
    if curl -fsS --max-time 2 --cacert "$GW_DIR/root-ca.pem" "$GW_HTTPS/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$GW_PID" 2>/dev/null; then echo "gateway $name exited; log:"; tail -n 20 "$GW_LOG"; return 1; fi
    sleep 0.1
  done
  echo "gateway $name did not become healthy; log:"; tail -n 20 "$GW_LOG"; return 1
}

# stop_gateway PID: SIGTERM and wait; returns the exit status.
stop_gateway() {
  kill -TERM "$1" 2>/dev/null || return 1
  wait "$1"
}
