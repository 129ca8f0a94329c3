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
ACME_TLSALPN_PORT=$(free_port)
ACME_DNS_MGMT=http://127.0.0.1:$(free_port)
pebble-challtestsrv -dns01 "127.0.0.1:$ACME_DNS_PORT" -http01 "" -https01 "" -tlsalpn01 "" \
  -management "${ACME_DNS_MGMT#http://}" -defaultIPv6 "" >"$ACME_WORK/challtestsrv.log" 2>&1 &
STARTED_PIDS+=("$!")

# acme_gateway NAME [ENV=VALUE…]: a gateway resolving names through the test DNS and validating http-01 on ACME_HTTP01_PORT.
acme_gateway() {
  local name=$1; shift
  start_gateway "$name" GATEWAY_ACME_DNS_RESOLVER="127.0.0.1:$ACME_DNS_PORT" \
    GATEWAY_ACME_HTTP01_PORT="$ACME_HTTP01_PORT" GATEWAY_ACME_TLS_ALPN01_PORT="$ACME_TLSALPN_PORT" \
    GATEWAY_ACME_CAA_IDENTITIES=gateway.test "$@" && STARTED_PIDS+=("$GW_PID")
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

# Profiles and credentials made with the CLI before the gateway starts on the same data directory:
# an EAB profile with one code per client, an approval-gated profile, and an approver token.
ACME_DATA=$WORK/acme
cli() { GATEWAY_DATA_DIR=$ACME_DATA GATEWAY_LOG_LEVEL=silent node "$ROOT/dist/src/cli.js" "$@"; }
mkdir -p "$ACME_DATA"
cli profile create --name eab --settings '{"acme":{"externalAccountRequired":true}}' >/dev/null
cli profile create --name gated --settings '{"approval":{"required":true,"approvers":1}}' >/dev/null
cli profile create --name caa --settings '{"acme":{"caaCheck":true}}' >/dev/null
cli profile create --name accounts --settings '{"acme":{"accountApprovalRequired":true}}' >/dev/null
eab_code() { cli code create --profile eab --purpose acme-eab | awk '/^Code /{id=$2} /^  /{print id, $1}'; }
read -r EAB_LEGO_KID EAB_LEGO_HMAC <<<"$(eab_code)"
read -r EAB_CERTBOT_KID EAB_CERTBOT_HMAC <<<"$(eab_code)"
APPROVER=$(cli token create --subject conformance-approver --role approver | grep -o 'egw_[A-Za-z0-9_-]*')

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

  # --- account update and key rollover ---
  check "certbot update_account (contact)" certbot_run update_account -m changed@example.test
  uacme_rollover() {
    webroot_start "$UA/webroot"
    uacme_run newkey && uacme_run -t EC issue rolled.example.test && issued_by_gateway "$UA/rolled.example.test/cert.pem"
    local rc=$?
    webroot_stop
    return $rc
  }
  check "uacme key rollover (keyChange) then issue with the new key" uacme_rollover

  # --- External Account Binding (profile eab requires it; the key id and MAC key are enrolment codes) ---
  EAB_DIRECTORY="$GW_HTTPS/acme/eab/directory"
  lego_eab() {
    timeout 120 lego --server "$EAB_DIRECTORY" --path "$ACME_WORK/lego-eab" --email ops@example.test --accept-tos \
      --eab --kid "$EAB_LEGO_KID" --hmac "$EAB_LEGO_HMAC" \
      --domains lego-eab.example.test --http --http.port "127.0.0.1:$ACME_HTTP01_PORT" run &&
      issued_by_gateway "$ACME_WORK/lego-eab/certificates/lego-eab.example.test.crt"
  }
  lego_no_eab_refused() {
    ! timeout 60 lego --server "$EAB_DIRECTORY" --path "$ACME_WORK/lego-no-eab" --email ops@example.test --accept-tos \
      --domains x.example.test --http --http.port "127.0.0.1:$ACME_HTTP01_PORT" run >"$ACME_WORK/no-eab.out" 2>&1 &&
      grep -qi "external account binding" "$ACME_WORK/no-eab.out"
  }
  certbot_eab() {
    CB="$ACME_WORK/certbot-eab" DIRECTORY="$EAB_DIRECTORY" certbot_run certonly --standalone \
      --http-01-port "$ACME_HTTP01_PORT" --http-01-address 127.0.0.1 --agree-tos -m ops@example.test \
      --eab-kid "$EAB_CERTBOT_KID" --eab-hmac-key "$EAB_CERTBOT_HMAC" -d certbot-eab.example.test &&
      issued_by_gateway "$ACME_WORK/certbot-eab/config/live/certbot-eab.example.test/cert.pem" \
        "$ACME_WORK/certbot-eab/config/live/certbot-eab.example.test/fullchain.pem"
  }
  certbot_eab_reused_refused() {
    ! CB="$ACME_WORK/certbot-eab-2" DIRECTORY="$EAB_DIRECTORY" certbot_run register --agree-tos -m ops@example.test \
      --eab-kid "$EAB_CERTBOT_KID" --eab-hmac-key "$EAB_CERTBOT_HMAC" >"$ACME_WORK/eab-reuse.out" 2>&1
  }
  check "lego EAB registration and issue" lego_eab
  check "lego without EAB refused (externalAccountRequired)" lego_no_eab_refused
  check "certbot EAB registration and issue" certbot_eab
  check "certbot EAB single-use code refused a second time" certbot_eab_reused_refused

  # --- approval: the profile gated holds orders in processing until an approver decides ---
  GATED_DIRECTORY="$GW_HTTPS/acme/gated/directory"
  # decide_pending DECISION [COMMENT]: waits for a pending request, then decides it through the admin API.
  decide_pending() {
    local body='{}' ids
    [ -n "${2:-}" ] && body="{\"comment\":\"$2\"}"
    for _ in $(seq 1 120); do
      ids=$(curl -fsS --cacert "$ROOT_PEM" -H "Authorization: Bearer $APPROVER" "$GW_HTTPS/api/v1/requests?status=pending" |
        node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const r of JSON.parse(s).items)console.log(r.id)})')
      if [ -n "$ids" ]; then
        sleep 2 # the client is polling the processing order by now
        for id in $ids; do
          curl -fsS --cacert "$ROOT_PEM" -H "Authorization: Bearer $APPROVER" -H 'Content-Type: application/json' \
            -d "$body" "$GW_HTTPS/api/v1/requests/$id/$1" >/dev/null || return 1
        done
        return 0
      fi
      sleep 0.5
    done
    return 1
  }
  lego_gated() {
    decide_pending approve &
    local approver=$!
    timeout 120 lego --server "$GATED_DIRECTORY" --path "$ACME_WORK/lego-gated" --email ops@example.test --accept-tos \
      --domains lego-gated.example.test --http --http.port "127.0.0.1:$ACME_HTTP01_PORT" run &&
      wait "$approver" && issued_by_gateway "$ACME_WORK/lego-gated/certificates/lego-gated.example.test.crt"
  }
  certbot_gated_rejected() {
    decide_pending reject "conformance says no" &
    local approver=$!
    ! CB="$ACME_WORK/certbot-gated" DIRECTORY="$GATED_DIRECTORY" certbot_run certonly --standalone \
      --http-01-port "$ACME_HTTP01_PORT" --http-01-address 127.0.0.1 --agree-tos -m ops@example.test \
      -d certbot-gated.example.test >"$ACME_WORK/gated-reject.out" 2>&1
    local refused=$?
    # certbot prints only "IssuanceError"; the order's error (with the reason) is in its debug log.
    wait "$approver" && [ $refused = 0 ] && grep -q IssuanceError "$ACME_WORK/gated-reject.out" &&
      grep -q '"detail":"The certificate request was rejected: conformance says no"' "$ACME_WORK/certbot-gated/logs/letsencrypt.log"
  }
  check "lego approval-gated order approved while polling" lego_gated

  # --- a profile that gates new accounts: the registration waits in the queue as a request of kind account ---
  lego_account_gated() {
    local accounts="$GW_HTTPS/acme/accounts/directory" path="$ACME_WORK/lego-accounts" id
    local lego_accounts=(timeout 120 lego --server "$accounts" --path "$path" --email ops@example.test --accept-tos
      --domains lego-account.example.test --http --http.port "127.0.0.1:$ACME_HTTP01_PORT" run)
    ! "${lego_accounts[@]}" >"$ACME_WORK/lego-accounts.out" 2>&1 &&
      grep -q 'awaits approval by an administrator' "$ACME_WORK/lego-accounts.out" || return 1
    id=$(curl -fsS --cacert "$ROOT_PEM" -H "Authorization: Bearer $APPROVER" \
      "$GW_HTTPS/api/v1/requests?status=pending&kind=account" |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const [r]=JSON.parse(s).items;console.log(r?r.id:"")})')
    [ -n "$id" ] && curl -fsS --cacert "$ROOT_PEM" -H "Authorization: Bearer $APPROVER" -H 'Content-Type: application/json' \
      -d '{"comment":"known team"}' "$GW_HTTPS/api/v1/requests/$id/approve" | grep -q '"outcome":"approved"' &&
      "${lego_accounts[@]}" >/dev/null 2>&1 && issued_by_gateway "$path/certificates/lego-account.example.test.crt"
  }
  check "lego account on an account-gated profile refused, approved in the queue, then issues" lego_account_gated
  check "certbot approval-gated order rejected, the order error names the reason" certbot_gated_rejected

  # --- approval that outlives the client's patience: lego gives up after --cert.timeout; its runs
  # land on one queue entry, and after the approval (profile approval.decisionWindowHours, 24 h by
  # default) its next run is issued at finalize, without a second approval ---
  pending_attempts() { # the attempt counts of the pending requests, one per line
    curl -fsS --cacert "$ROOT_PEM" -H "Authorization: Bearer $APPROVER" "$GW_HTTPS/api/v1/requests?status=pending" |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const r of JSON.parse(s).items)console.log(r.attempts.count)})'
  }
  lego_late() {
    timeout 120 lego --server "$GATED_DIRECTORY" --path "$ACME_WORK/lego-late" --email ops@example.test --accept-tos \
      --cert.timeout 3 --domains lego-late.example.test --http --http.port "127.0.0.1:$ACME_HTTP01_PORT" run
  }
  lego_gated_after_timeout() {
    ! lego_late >"$ACME_WORK/lego-late-1.out" 2>&1 && grep -q 'time limit exceeded' "$ACME_WORK/lego-late-1.out" &&
      ! lego_late >"$ACME_WORK/lego-late-2.out" 2>&1 && [ "$(pending_attempts)" = 2 ] &&
      decide_pending approve && [ -z "$(pending_attempts)" ] &&
      lego_late >"$ACME_WORK/lego-late-3.out" 2>&1 &&
      issued_by_gateway "$ACME_WORK/lego-late/certificates/lego-late.example.test.crt" && [ -z "$(pending_attempts)" ]
  }
  # After the rejection above, certbot's next run is refused at finalize (403 unauthorized) with the
  # reason; this certbot (2.1 on Python 3.11) prints "AttributeError" for any ACME error (certbot
  # issue 9539, fixed in 2.2), so the reason is read from its debug log.
  certbot_gated_rejected_again() {
    ! CB="$ACME_WORK/certbot-gated" DIRECTORY="$GATED_DIRECTORY" certbot_run certonly --standalone \
      --http-01-port "$ACME_HTTP01_PORT" --http-01-address 127.0.0.1 --agree-tos -m ops@example.test \
      -d certbot-gated.example.test >"$ACME_WORK/gated-reject-2.out" 2>&1 &&
      grep -q 'error:unauthorized :: .*an approver rejected the same request at .*: conformance says no' \
        "$ACME_WORK/certbot-gated/logs/letsencrypt.log" && [ -z "$(pending_attempts)" ]
  }
  check "lego approval-gated runs that timed out wait on one queue entry; after approval the next run is issued at once" lego_gated_after_timeout
  check "certbot's next run after a rejection is refused at finalize with the reason, nothing queued" certbot_gated_rejected_again

  # --- dns-01 (a wildcard; lego's exec provider writes the TXT record into the test DNS) and tls-alpn-01 ---
  cat >"$ACME_WORK/dns-hook.sh" <<HOOK
#!/bin/sh
# lego exec provider: present|cleanup FQDN VALUE
case "\$1" in
  present) curl -fsS -d "{\\"host\\":\\"\$2\\",\\"value\\":\\"\$3\\"}" $ACME_DNS_MGMT/set-txt ;;
  cleanup) curl -fsS -d "{\\"host\\":\\"\$2\\"}" $ACME_DNS_MGMT/clear-txt ;;
esac
HOOK
  chmod +x "$ACME_WORK/dns-hook.sh"
  lego_dns() {
    EXEC_PATH="$ACME_WORK/dns-hook.sh" EXEC_POLLING_INTERVAL=1 EXEC_PROPAGATION_TIMEOUT=30 timeout 120 lego \
      --server "$DIRECTORY" --path "$ACME_WORK/lego-dns" --email ops@example.test --accept-tos \
      --dns exec --dns.resolvers "127.0.0.1:$ACME_DNS_PORT" --dns.disable-cp \
      --domains '*.lego-dns.example.test' --domains lego-dns.example.test run &&
      issued_by_gateway "$ACME_WORK/lego-dns/certificates/_.lego-dns.example.test.crt" &&
      openssl x509 -in "$ACME_WORK/lego-dns/certificates/_.lego-dns.example.test.crt" -noout -ext subjectAltName | grep -q 'DNS:\*.lego-dns.example.test'
  }
  lego_tls_alpn() {
    timeout 120 lego --server "$DIRECTORY" --path "$ACME_WORK/lego-tls" --email ops@example.test --accept-tos \
      --tls --tls.port "127.0.0.1:$ACME_TLSALPN_PORT" --domains lego-tls.example.test run &&
      issued_by_gateway "$ACME_WORK/lego-tls/certificates/lego-tls.example.test.crt"
  }
  check "lego dns-01 (wildcard)" lego_dns
  check "lego tls-alpn-01" lego_tls_alpn

  # --- CAA (profile caa checks it; this gateway's CAA identity is gateway.test) ---
  CAA_DIRECTORY="$GW_HTTPS/acme/caa/directory"
  curl -fsS -d '{"host":"caa-denied.example.test.","policies":[{"tag":"issue","value":"other-ca.test"}]}' "$ACME_DNS_MGMT/add-caa" >/dev/null
  curl -fsS -d '{"host":"caa-allowed.example.test.","policies":[{"tag":"issue","value":"gateway.test; validationmethods=http-01"}]}' "$ACME_DNS_MGMT/add-caa" >/dev/null
  lego_caa() {
    timeout 120 lego --server "$CAA_DIRECTORY" --path "$ACME_WORK/lego-caa" --email ops@example.test --accept-tos \
      --http --http.port "127.0.0.1:$ACME_HTTP01_PORT" "$@"
  }
  lego_caa_allowed() { lego_caa --domains caa-allowed.example.test run; }
  lego_caa_denied() { ! lego_caa --domains caa-denied.example.test run >"$ACME_WORK/caa.out" 2>&1 && grep -q 'error:caa' "$ACME_WORK/caa.out"; }
  check "lego CAA naming this CA allows issuance" lego_caa_allowed
  check "lego CAA naming another CA refuses with caa" lego_caa_denied
else
  fail "acme/start: gateway with the ACME test resolver"
fi
