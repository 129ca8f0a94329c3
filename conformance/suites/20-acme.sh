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
    certbot_run renew --force-renewal --no-random-sleep-on-renew --cert-name certbot.example.test >"$ACME_WORK/certbot-renew.out" 2>&1 &&
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

  # A web server for the webroot clients (dehydrated, uacme): serves $1 on the http-01 port while they run.
  webroot_start() {
    mkdir -p "$1/.well-known/acme-challenge"
    python3 -m http.server "$ACME_HTTP01_PORT" --bind 127.0.0.1 --directory "$1" >/dev/null 2>&1 &
    WEBROOT_PID=$!
    STARTED_PIDS+=("$WEBROOT_PID")
    for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$ACME_HTTP01_PORT/" 2>/dev/null && return 0; sleep 0.1; done
  }
  webroot_stop() { kill -TERM "$WEBROOT_PID" 2>/dev/null; wait "$WEBROOT_PID" 2>/dev/null; }

  # --- dehydrated (http-01 through a webroot; curl trusts the root through CURL_CA_BUNDLE) ---
  DH="$ACME_WORK/dehydrated"
  DH_CERT="$DH/certs/dehydrated.example.test/cert.pem"
  mkdir -p "$DH"
  cat >"$DH/config" <<CONF
CA="$DIRECTORY"
CHALLENGETYPE="http-01"
BASEDIR="$DH"
WELLKNOWN="$DH/webroot/.well-known/acme-challenge"
CONTACT_EMAIL="ops@example.test"
KEY_ALGO="prime256v1"
CONF
  dehydrated_run() { CURL_CA_BUNDLE=$ROOT_PEM timeout 120 dehydrated -f "$DH/config" "$@"; }
  webroot_start "$DH/webroot"
  dehydrated_issue() {
    dehydrated_run --register --accept-terms && dehydrated_run -c -d dehydrated.example.test &&
      issued_by_gateway "$DH_CERT" "$DH/certs/dehydrated.example.test/fullchain.pem" && cp "$DH_CERT" "$ACME_WORK/dehydrated-first.pem"
  }
  dehydrated_renew() {
    dehydrated_run -c -d dehydrated.example.test --force && renewed "$ACME_WORK/dehydrated-first.pem" "$(readlink -f "$DH_CERT")"
  }
  dehydrated_revoke() { dehydrated_run -r "$(readlink -f "$DH_CERT")" && crl_lists "$(serial_of "$DH_CERT")"; }
  check "dehydrated issue" dehydrated_issue
  check "dehydrated renew" dehydrated_renew
  check "dehydrated revoke" dehydrated_revoke
  webroot_stop

  # --- uacme (http-01 through its uacme.sh hook; libcurl-gnutls reads only the system bundle, so the
  # root is added to it inside a private mount namespace: nothing outside this process sees it) ---
  UA="$ACME_WORK/uacme"
  UA_CERT="$UA/uacme.example.test/cert.pem"
  mkdir -p "$UA"
  cat /etc/ssl/certs/ca-certificates.crt "$ROOT_PEM" >"$UA/bundle.pem" 2>/dev/null
  uacme_run() {
    UACME_CHALLENGE_PATH="$UA/webroot/.well-known/acme-challenge" timeout 120 unshare -m sh -c \
      'mount --bind "$0" /etc/ssl/certs/ca-certificates.crt && shift && exec uacme "$@"' \
      "$UA/bundle.pem" _ -c "$UA" -a "$DIRECTORY" -y -h /usr/share/uacme/uacme.sh "$@"
  }
  webroot_start "$UA/webroot"
  uacme_issue() {
    uacme_run new ops@example.test && uacme_run -t EC issue uacme.example.test &&
      issued_by_gateway "$UA_CERT" && cp "$UA_CERT" "$ACME_WORK/uacme-first.pem"
  }
  uacme_renew() { uacme_run -t EC -f issue uacme.example.test && renewed "$ACME_WORK/uacme-first.pem" "$UA_CERT"; }
  uacme_revoke() { uacme_run revoke "$UA_CERT" && crl_lists "$(serial_of "$UA_CERT")"; }
  check "uacme issue" uacme_issue
  check "uacme renew" uacme_renew
  check "uacme revoke" uacme_revoke
  webroot_stop
else
  fail "acme/start: gateway with the ACME test resolver"
fi
