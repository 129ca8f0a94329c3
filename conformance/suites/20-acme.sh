# ACME (RFC 8555) with real clients: certbot, lego, dehydrated and uacme issue, renew and revoke
# against a freshly started gateway. Names resolve through pebble-challtestsrv (every A query →
# 127.0.0.1); each client answers http-01 on a free loopback port that the gateway validates against.

for tool in certbot lego dehydrated uacme pebble-challtestsrv; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get install -y certbot lego dehydrated uacme pebble >/dev/null 2>&1 || true
    fi
  fi
done

ACME_WORK=$WORK/acme-clients
mkdir -p "$ACME_WORK"
ACME_DNS_PORT=$(free_port)
ACME_HTTP01_PORT=$(free_port)
pebble-challtestsrv -dns01 "127.0.0.1:$ACME_DNS_PORT" -http01 "" -https01 "" -tlsalpn01 "" \
  -management "127.0.0.1:$(free_port)" -defaultIPv6 "" >"$ACME_WORK/challtestsrv.log" 2>&1 &
STARTED_PIDS+=("$!")

# acme_gateway NAME [ENV=VALUE…]: a gateway resolving names through the test DNS and validating http-01 on ACME_HTTP01_PORT.
acme_gateway() {
  local name=$1; shift
  start_gateway "$name" GATEWAY_ACME_DNS_RESOLVER="127.0.0.1:$ACME_DNS_PORT" \
    GATEWAY_ACME_HTTP01_PORT="$ACME_HTTP01_PORT" GATEWAY_ACME_CHALLENGE_TYPES=http-01 "$@" && STARTED_PIDS+=("$GW_PID")
}

# serial_of CERT: upper-case hex serial, as openssl prints it in a CRL.
serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
# crl_lists SERIAL: the gateway's CRL lists this serial.
crl_lists() {
  curl -fsS "$GW_HTTP/crl/issuing.crl" | openssl crl -inform DER -noout -text | grep -q "Serial Number: $1"
}
# renewed OLD NEW: both certificates exist and differ.
renewed() { [ -s "$1" ] && [ -s "$2" ] && [ "$(serial_of "$1")" != "$(serial_of "$2")" ]; }
# issued_by_gateway CERT [CHAIN]: the certificate chains (through CHAIN, default CERT itself) to this gateway's root.
issued_by_gateway() { openssl verify -CAfile "$GW_DIR/root-ca.pem" -untrusted "${2:-$1}" "$1" >/dev/null; }

if acme_gateway acme; then
  DIRECTORY="$GW_HTTPS/acme/directory"
  ROOT_PEM="$GW_DIR/root-ca.pem"
  export REQUESTS_CA_BUNDLE=$ROOT_PEM LEGO_CA_CERTIFICATES=$ROOT_PEM

  # --- certbot (standalone http-01) ---
  CB="$ACME_WORK/certbot"
  CB_CERT="$CB/config/live/certbot.example.test/cert.pem"
  certbot_run() {
    timeout 120 certbot --config-dir "$CB/config" --work-dir "$CB/work" --logs-dir "$CB/logs" \
      --server "$DIRECTORY" --non-interactive "$@"
  }
  certbot_issue() {
    certbot_run certonly --standalone --http-01-port "$ACME_HTTP01_PORT" --http-01-address 127.0.0.1 \
      --agree-tos -m ops@example.test -d certbot.example.test -d www.certbot.example.test &&
      issued_by_gateway "$CB_CERT" "${CB_CERT%cert.pem}fullchain.pem" && cp "$CB_CERT" "$ACME_WORK/certbot-first.pem"
  }
  certbot_renew() {
    certbot_run renew --force-renewal --cert-name certbot.example.test &&
      renewed "$ACME_WORK/certbot-first.pem" "$CB_CERT"
  }
  certbot_revoke() {
    certbot_run revoke --cert-name certbot.example.test --reason keycompromise --no-delete-after-revoke &&
      crl_lists "$(serial_of "$CB_CERT")"
  }
  check "certbot issue" certbot_issue
  check "certbot renew" certbot_renew
  check "certbot revoke" certbot_revoke

  # --- lego (http-01 with its own server) ---
  LG="$ACME_WORK/lego"
  LG_CERT="$LG/certificates/lego.example.test.crt"
  lego_run() {
    timeout 120 lego --server "$DIRECTORY" --path "$LG" --email ops@example.test --accept-tos \
      --domains lego.example.test --http --http.port "127.0.0.1:$ACME_HTTP01_PORT" "$@"
  }
  lego_issue() { lego_run run && issued_by_gateway "$LG_CERT" && cp "$LG_CERT" "$ACME_WORK/lego-first.pem"; }
  lego_renew() { lego_run renew --days 1000 --no-random-sleep && renewed "$ACME_WORK/lego-first.pem" "$LG_CERT"; }
  lego_revoke() { lego_run revoke --reason 4 && crl_lists "$(serial_of "$LG_CERT")"; }
  check "lego issue" lego_issue
  check "lego renew" lego_renew
  check "lego revoke" lego_revoke
else
  fail "acme/start: gateway with the ACME test resolver"
fi
