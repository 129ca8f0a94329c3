# The foundation seen from outside: the two README commands' server, over real TLS, with openssl and
# curl as the clients; restart and SIGTERM behaviour; two instances sharing one PostgreSQL database.

if start_gateway sqlite; then
  pass "gateway/start: serves HTTPS with embedded defaults"
  STARTED_PIDS+=("$GW_PID")
  check "gateway/healthz: curl --cacert root-ca.pem" curl -fsS --cacert "$GW_DIR/root-ca.pem" "$GW_HTTPS/healthz"
  check "gateway/readyz" curl -fsS --cacert "$GW_DIR/root-ca.pem" "$GW_HTTPS/readyz"
  check "gateway/tls: certificate names 127.0.0.1" curl -fsS --cacert "$GW_DIR/root-ca.pem" "${GW_HTTPS/localhost/127.0.0.1}/healthz"
  token=$(grep -o 'egw_[A-Za-z0-9_-]*' "$GW_LOG" | head -n 1)
  check "gateway/admin-token: printed once and accepted" \
    curl -fsS --cacert "$GW_DIR/root-ca.pem" -H "Authorization: Bearer $token" "$GW_HTTPS/api/v1/whoami"
  check "gateway/admin-token: absent from the JSON log" bash -c "! grep '^{' '$GW_LOG' | grep -q '$token'"
  check "gateway/crl: served over HTTP and verified by openssl" bash -c \
    "curl -fsS '$GW_HTTP/crl/issuing.crl' -o '$WORK/crl.der' && curl -fsS '$GW_HTTP/ca/chain.pem' -o '$WORK/chain.pem' &&
     openssl crl -inform DER -in '$WORK/crl.der' -CAfile '$WORK/chain.pem' -noout 2>&1 | grep -q 'verify OK'"
  check "gateway/master-key: generated with mode 0600" bash -c "[ \"\$(stat -c %a '$GW_DIR/master.key')\" = 600 ]"
  root_before=$(cat "$GW_DIR/root-ca.pem")
  if stop_gateway "$GW_PID"; then pass "gateway/sigterm: exits 0"; else fail "gateway/sigterm: exits 0"; fi
  GW_DIR_OVERRIDE=$GW_DIR start_gateway sqlite-restart && STARTED_PIDS+=("$GW_PID")
  check "gateway/restart: same root CA" bash -c "[ \"\$(cat '$GW_DIR/root-ca.pem')\" = '$root_before' ]"
  check "gateway/restart: old admin token still valid" \
    curl -fsS --cacert "$GW_DIR/root-ca.pem" -H "Authorization: Bearer $token" "$GW_HTTPS/api/v1/whoami"
  check "gateway/restart: no second admin token printed" bash -c "! grep -q 'egw_' '$WORK/sqlite-restart.log'"
  stop_gateway "$GW_PID"
  check "gateway/cli: audit verify" env GATEWAY_DATA_DIR="$GW_DIR" GATEWAY_LOG_LEVEL=silent node "$ROOT/dist/src/cli.js" audit verify
else
  fail "gateway/start: serves HTTPS with embedded defaults"
fi

# Two instances on one PostgreSQL database with the same master key share one CA and one token store.
PG_DB="conformance_$(date +%s)_$$"
if psql -h 127.0.0.1 -U postgres -d test -qc "create database $PG_DB" >/dev/null 2>&1; then
  KEY=$(head -c 32 /dev/urandom | base64)
  PG_URL="postgres://postgres@127.0.0.1:5432/$PG_DB"
  if start_gateway pg-a GATEWAY_DATABASE_URL="$PG_URL" GATEWAY_MASTER_KEY="$KEY"; then
    STARTED_PIDS+=("$GW_PID"); A_PID=$GW_PID; A_DIR=$GW_DIR; A_LOG=$GW_LOG
    if start_gateway pg-b GATEWAY_DATABASE_URL="$PG_URL" GATEWAY_MASTER_KEY="$KEY"; then
      STARTED_PIDS+=("$GW_PID")
      pass "gateway/postgres: two instances start on one database"
      check "gateway/postgres: both serve the same root CA" cmp -s "$A_DIR/root-ca.pem" "$GW_DIR/root-ca.pem"
      token=$(grep -o 'egw_[A-Za-z0-9_-]*' "$A_LOG" | head -n 1)
      check "gateway/postgres: a token made by one instance works on the other" \
        curl -fsS --cacert "$GW_DIR/root-ca.pem" -H "Authorization: Bearer $token" "$GW_HTTPS/api/v1/whoami"
      stop_gateway "$GW_PID"
    else
      fail "gateway/postgres: two instances start on one database"
    fi
    stop_gateway "$A_PID"
  else
    fail "gateway/postgres: first instance starts"
  fi
  psql -h 127.0.0.1 -U postgres -d test -qc "drop database $PG_DB" >/dev/null 2>&1
else
  fail "gateway/postgres: create a database on 127.0.0.1:5432"
fi
