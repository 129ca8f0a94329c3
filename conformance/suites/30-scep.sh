# SCEP (RFC 8894) with real clients against a freshly started gateway: micromdm's scepclient (Debian
# `scep` 2.1.0: DES-CBC + SHA-1 requests, RenewalReq on a second run, resends every 30 s while
# PENDING) and certmonger's scep-submit helper (GetCACaps, GetCACert). A fresh directory per case.

scep_cli() { env GATEWAY_DATA_DIR="$GW_DIR" GATEWAY_LOG_LEVEL=silent node "$ROOT/dist/src/cli.js" "$@"; }

# scep_enrol DIR PROFILE CHALLENGE CN [extra scepclient flags…]: one scepclient run, bounded in time.
scep_enrol() {
  local dir=$1 profile=$2 challenge=$3 cn=$4; shift 4
  mkdir -p "$dir"
  (cd "$dir" && timeout 60 scepclient -server-url "$GW_HTTP/scep/$profile" -private-key "$dir/client.key" \
    -challenge "$challenge" -cn "$cn" "$@")
}

# scep_verify DIR: client.pem chains to the gateway's root through the issuing CA.
scep_verify() {
  curl -fsS "$GW_HTTP/ca/chain.pem" -o "$WORK/scep-chain.pem" &&
    openssl verify -CAfile "$WORK/scep-chain.pem" "$1/client.pem" | grep -q ': OK'
}

serial_of() { openssl x509 -in "$1" -noout -serial; }

if start_gateway scep GATEWAY_LOG_LEVEL=info; then
  STARTED_PIDS+=("$GW_PID")
  SCEP_TOKEN=$(grep -o 'egw_[A-Za-z0-9_-]*' "$GW_LOG" | head -n 1)
  S=$WORK/scep-clients
  # scepclient encrypts with DES-CBC whatever GetCACaps says, so these profiles opt in to single DES.
  scep_cli profile create --name scep-open --settings '{"scep":{"allowDes":true}}' >/dev/null
  scep_cli profile create --name scep-renew --settings '{"scep":{"allowDes":true,"allowKeyReuse":true}}' >/dev/null
  scep_cli profile create --name scep-approval \
    --settings '{"scep":{"allowDes":true},"approval":{"required":true,"approvers":1,"pendingTtlHours":1}}' >/dev/null
  scep_cli profile create --name scep-raonly --settings '{"scep":{"allowDes":true,"caCertFormat":"ra-only"}}' >/dev/null
  scep_cli profile create --name scep-get \
    --settings '{"scep":{"allowDes":true,"capabilities":["AES","DES3","SHA-1","SHA-256"]}}' >/dev/null
  scep_cli profile create --name scep-strict >/dev/null
  for p in scep-open scep-approval scep-raonly scep-get scep-strict; do
    scep_cli code create --profile "$p" --purpose scep-challenge --secret "secret-$p" --reusable >/dev/null
  done
  scep_cli code create --profile scep-renew --purpose scep-challenge --secret once-only >/dev/null

  check "curl GetCACaps lists POSTPKIOperation, AES and SCEPStandard" bash -c \
    "curl -fsS '$GW_HTTP/scep/scep-open?operation=GetCACaps' | tr '\n' ' ' | grep -q 'AES.*POSTPKIOperation.*SCEPStandard'"
  check "curl GetCACert (any suffix) is a PKCS#7 with the RA first" bash -c \
    "curl -fsS -D '$WORK/h' -o '$WORK/ca.p7' '$GW_HTTP/scep/scep-open/cgi-bin/pkiclient.exe?operation=GetCACert' &&
     grep -qi 'application/x-x509-ca-ra-cert' '$WORK/h' &&
     openssl pkcs7 -inform DER -in '$WORK/ca.p7' -print_certs | grep -m1 subject= | grep -q 'SCEP RA'"
  # scepclient encrypts to every certificate of GetCACert and the issuing CA is ECDSA: name the RA.
  RA_FP=$(openssl pkcs7 -inform DER -in "$WORK/ca.p7" -print_certs | openssl x509 -outform DER | sha256sum | cut -d' ' -f1)

  check "scepclient enrol" bash -c \
    "$(declare -f scep_enrol scep_verify); GW_HTTP='$GW_HTTP' WORK='$WORK'
     scep_enrol '$S/enrol' scep-open secret-scep-open dev1 -ca-fingerprint '$RA_FP' && scep_verify '$S/enrol'"

  if out=$(scep_enrol "$S/wrong" scep-open not-the-challenge dev2 -ca-fingerprint "$RA_FP" 2>&1); then
    fail "scepclient wrong-challenge failure" "enrolled with a wrong challenge"
  elif echo "$out" | grep -q 'badRequest (2)'; then pass "scepclient wrong-challenge failure"
  else fail "scepclient wrong-challenge failure" "$(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi

  if out=$(scep_enrol "$S/strict" scep-strict secret-scep-strict dev3 -ca-fingerprint "$RA_FP" 2>&1); then
    fail "scepclient DES refused on a profile without allowDes" "enrolled"
  elif echo "$out" | grep -q 'badAlg (0)'; then pass "scepclient DES refused on a profile without allowDes (badAlg)"
  else fail "scepclient DES refused on a profile without allowDes" "$(echo "$out" | tail -n 2 | tr '\n' ' ')"; fi

  # Renewal: the single-use code is spent by the first run, so the second (RenewalReq signed by
  # client.pem, same key, same txid) can only succeed by certificate authentication.
  if scep_enrol "$S/renew" scep-renew once-only dev4 -ca-fingerprint "$RA_FP" >/dev/null 2>&1; then
    first=$(serial_of "$S/renew/client.pem")
    if scep_enrol "$S/renew" scep-renew once-only dev4 -ca-fingerprint "$RA_FP" >"$WORK/renew.out" 2>&1 &&
      [ "$(serial_of "$S/renew/client.pem")" != "$first" ]; then
      pass "scepclient renewal (RenewalReq signed by the issued certificate, challenge spent)"
    else fail "scepclient renewal" "$(tail -n 2 "$WORK/renew.out" | tr '\n' ' ')"; fi
  else fail "scepclient renewal" "first enrolment failed"; fi

  check "scepclient enrol with ra-only GetCACert and no fingerprint" bash -c \
    "$(declare -f scep_enrol scep_verify); GW_HTTP='$GW_HTTP' WORK='$WORK'
     scep_enrol '$S/raonly' scep-raonly secret-scep-raonly dev5 && scep_verify '$S/raonly'"

  # Without POSTPKIOperation/SCEPStandard in the caps scepclient 2.1.0 uses GET with URL-safe base64.
  check "scepclient enrol over GET (URL-safe base64)" bash -c \
    "$(declare -f scep_enrol scep_verify); GW_HTTP='$GW_HTTP' WORK='$WORK'
     scep_enrol '$S/get' scep-get secret-scep-get dev6 -ca-fingerprint '$RA_FP' && scep_verify '$S/get' &&
     ! grep -q '\"method\":\"POST\",\"path\":\"/scep/scep-get\"' '$GW_LOG' &&
     [ \$(grep -c '\"method\":\"GET\",\"path\":\"/scep/scep-get\"' '$GW_LOG') -ge 3 ]"

  # Approval by polling: PENDING, the client resends every 30 s, an approver decides through the API.
  pending_id() {
    curl -fsS --cacert "$GW_DIR/root-ca.pem" -H "Authorization: Bearer $SCEP_TOKEN" \
      "$GW_HTTPS/api/v1/requests?status=pending&limit=100" |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const items=j.items??j.data??j;
        const r=items.find(x=>x.protocol==="scep"&&x.subject.includes(process.argv[1]));if(r)console.log(r.id)})' "$1"
  }
  decide_when_pending() { # CN DECISION: waits for the pending request of CN, then decides
    local id=""
    for _ in $(seq 1 40); do id=$(pending_id "$1"); [ -n "$id" ] && break; sleep 0.5; done
    [ -n "$id" ] || return 1
    curl -fsS --cacert "$GW_DIR/root-ca.pem" -H "Authorization: Bearer $SCEP_TOKEN" -H 'Content-Type: application/json' \
      -d '{"comment":"conformance decision"}' "$GW_HTTPS/api/v1/requests/$id/$2" >/dev/null
  }
  scep_enrol "$S/approve" scep-approval secret-scep-approval dev7 -ca-fingerprint "$RA_FP" >"$WORK/approve.out" 2>&1 &
  client=$!
  if decide_when_pending dev7 approve && wait "$client" && scep_verify "$S/approve"; then
    pass "scepclient approval-by-polling (PENDING, approved via the admin API, SUCCESS on resend)"
  else fail "scepclient approval-by-polling" "$(tail -n 2 "$WORK/approve.out" | tr '\n' ' ')"; fi
  scep_enrol "$S/reject" scep-approval secret-scep-approval dev8 -ca-fingerprint "$RA_FP" >"$WORK/reject.out" 2>&1 &
  client=$!
  if decide_when_pending dev8 reject && ! wait "$client" && grep -q 'badRequest (2)' "$WORK/reject.out"; then
    pass "scepclient rejection-by-polling (FAILURE badRequest)"
  else fail "scepclient rejection-by-polling" "$(tail -n 2 "$WORK/reject.out" | tr '\n' ' ')"; fi

  SUBMIT=/usr/lib/certmonger/scep-submit
  check "certmonger scep-submit GetCACaps" bash -c "$SUBMIT -u '$GW_HTTP/scep/scep-open' -c | grep -q SHA-256"
  check "certmonger scep-submit GetCACert (RA, CA, others)" bash -c \
    "$SUBMIT -u '$GW_HTTP/scep/scep-open' -C | grep -c 'BEGIN CERTIFICATE' | grep -q 3"

  # certmonger's daemon drives scep-submit (PKIOperation over GET only); on a private session bus
  # with its state under $WORK, so nothing of the machine's certmonger is touched.
  CM=$WORK/certmonger
  mkdir -p "$CM"/{requests,cas,local,tmp}
  openssl pkcs7 -inform DER -in "$WORK/ca.p7" -print_certs | awk -v d="$CM" '/BEGIN/{n++} {print > (d "/c" n ".pem")}'
  cat >"$CM/run.sh" <<EOS
export CERTMONGER_CONFIG_DIR=$CM CERTMONGER_REQUESTS_DIR=$CM/requests CERTMONGER_CAS_DIR=$CM/cas
export CERTMONGER_LOCAL_CA_DIR=$CM/local CERTMONGER_TMPDIR=$CM/tmp HOME=$CM
certmonger -s -n >"$CM/daemon.log" 2>&1 & cm=\$!
sleep 1
# -r the RA (encrypt to it), -R the root (trust anchor for the CertRep signer), -I the issuing CA.
getcert add-scep-ca -s -c gateway -u '$GW_HTTP/scep/scep-open' -r $CM/c1.pem -I $CM/c2.pem -R $CM/c3.pem
getcert request -s -c gateway -f $CM/cert.pem -k $CM/key.pem -L secret-scep-open -N CN=certmonger.example -w
getcert list -s
kill \$cm
EOS
  timeout 90 dbus-run-session -- sh "$CM/run.sh" >"$CM/out" 2>&1
  if grep -q 'status: MONITORING' "$CM/out" && cp "$CM/cert.pem" "$CM/client.pem" && scep_verify "$CM"; then
    pass "certmonger enrol (daemon + scep-submit, PKIOperation over GET)"
  else fail "certmonger enrol" "$(grep -E 'status|ca-error' "$CM/out" | tr '\n' ' ')"; fi

  # An issuing CA rollover (RFC 8894 §4.7): `ca rollover` publishes the re-certified issuing CA for
  # GetNextCACert, RA-signed around a degenerate PKCS#7; `ca activate` makes it current and withdraws it.
  next_url="$GW_HTTP/scep/scep-open?operation=GetNextCACert"
  openssl pkcs7 -inform DER -in "$WORK/ca.p7" -print_certs >"$WORK/ca-chain.pem"
  if scep_cli ca rollover >"$WORK/rollover.out" 2>&1 \
    && curl -s "$GW_HTTP/scep/scep-open?operation=GetCACaps" | grep -qx GetNextCACert \
    && [ "$(curl -s -o "$WORK/next.p7" -w '%{http_code}' "$next_url")" = 200 ] \
    && openssl cms -verify -inform DER -in "$WORK/next.p7" -CAfile "$WORK/ca-chain.pem" -purpose any \
      -binary -out "$WORK/next.der" 2>/dev/null \
    && openssl pkcs7 -inform DER -in "$WORK/next.der" -print_certs | grep -q 'Issuing CA' \
    && scep_cli ca activate | grep -q 'is current' \
    && [ "$(curl -s -o /dev/null -w '%{http_code}' "$next_url")" = 404 ]; then
    pass "curl GetNextCACert (ca rollover publishes it RA-signed, ca activate withdraws it)"
  else fail "curl GetNextCACert" "$(tail -n 3 "$WORK/rollover.out" | tr '\n' ' ')"; fi
  stop_gateway "$GW_PID"
else
  fail "scep/start: gateway serves HTTP"
fi

# A default install (ECDSA issuing CA and root, a profile that sets nothing but the DES opt-in
# scepclient needs): scepclient encrypts to every GetCACert certificate when it is not told the RA's
# fingerprint, so it must get the RA alone while certmonger (and curl) still get the RA and the chain.
if start_gateway scep-default; then
  STARTED_PIDS+=("$GW_PID")
  D=$WORK/scep-default-clients
  scep_cli profile create --name devices --settings '{"scep":{"allowDes":true}}' >/dev/null
  scep_cli code create --profile devices --purpose scep-challenge --secret 'S3cret!' --reusable >/dev/null
  if scep_enrol "$D/dev" devices 'S3cret!' dev-default >"$WORK/default.out" 2>&1 && scep_verify "$D/dev"; then
    first=$(serial_of "$D/dev/client.pem")
    # The second run in the same directory is a RenewalReq signed by client.pem.
    if scep_enrol "$D/dev" devices 'S3cret!' dev-default >>"$WORK/default.out" 2>&1 && scep_verify "$D/dev" &&
      [ "$(serial_of "$D/dev/client.pem")" != "$first" ]; then
      pass "scepclient without -ca-fingerprint enrols and renews on a default install"
    else fail "scepclient without -ca-fingerprint enrols and renews on a default install" "renewal: $(tail -n 2 "$WORK/default.out" | tr '\n' ' ')"; fi
  else fail "scepclient without -ca-fingerprint enrols and renews on a default install" "$(tail -n 2 "$WORK/default.out" | tr '\n' ' ')"; fi
  check "certmonger scep-submit GetCACert on a default install (RA, CA, others)" bash -c \
    "/usr/lib/certmonger/scep-submit -u '$GW_HTTP/scep/devices' -C | grep -c 'BEGIN CERTIFICATE' | grep -q 3"
  stop_gateway "$GW_PID"
else
  fail "scep-default/start: gateway serves HTTP"
fi
