# The admin API seen from outside, walking the two seed pages with the README's curl commands:
# Smart ID "Enroll profile" (P10 with and without domain policy, P12, ACME and SCEP registration) and
# DigiCert TLM "Manage enrollments" (queue, approval by a second user, rejection with a reason, bulk,
# codes), with the notification email caught by a loopback SMTP server.

MAILS=$WORK/admin-mails.jsonl
: >"$MAILS"
node "$ROOT/conformance/admin/smtp-sink.mjs" "$MAILS" >"$WORK/smtp.port" 2>"$WORK/smtp.log" &
SMTP_PID=$!
STARTED_PIDS+=("$SMTP_PID")
for _ in $(seq 1 50); do [ -s "$WORK/smtp.port" ] && break; sleep 0.1; done

if start_gateway admin GATEWAY_SMTP_HOST=127.0.0.1 GATEWAY_SMTP_PORT="$(cat "$WORK/smtp.port")" \
  GATEWAY_NOTIFICATIONS_POLL_MS=200; then
  STARTED_PIDS+=("$GW_PID")
  pass "admin/start: gateway with SMTP notifications"
  cd "$WORK" || exit 1
  GW=$GW_HTTPS/api/v1
  ROOT_TOKEN=$(grep -o 'egw_[A-Za-z0-9_-]*' "$GW_LOG" | head -n 1)
  api() { curl -sS --cacert "$GW_DIR/root-ca.pem" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
  # answers FILTER CURL-ARGS…: the (non-empty) API answer satisfies the jq filter.
  answers() { local filter=$1 body; shift; body=$(api "$@") && [ -n "$body" ] && jq -e "$filter" <<<"$body" >/dev/null; }
  # holds FILTER FILE [jq args…]: the saved answer satisfies the jq filter.
  holds() { local filter=$1 file=$2; shift 2; [ -s "$file" ] && jq -e "$@" "$filter" "$file" >/dev/null; }
  # The sink appends one JSON line per mail while we read: a line still being written is skipped.
  mailed() {
    jq -R -s -e "[split(\"\\n\")[] | fromjson? ] | any(.[]; (.to | index(\"$1\")) and (.subject | test(\"$2\")))" \
      "$MAILS" >/dev/null
  }

  TOKEN=
  check "admin/openapi: served without a token, OpenAPI 3.1" answers '.openapi == "3.1.0"' "$GW/openapi.json"

  # Users: an operator (certificate agent) and two approvers, each with a notification address.
  TOKEN=$ROOT_TOKEN
  OPERATOR=$(api -X POST "$GW/tokens" -d '{"subject":"alice","role":"operator","email":"alice@example.test"}' | jq -r .token)
  APPROVER1=$(api -X POST "$GW/tokens" -d '{"subject":"bob","role":"approver","email":"bob@example.test"}' | jq -r .token)
  APPROVER2=$(api -X POST "$GW/tokens" -d '{"subject":"carol","role":"approver","email":"carol@example.test"}' | jq -r .token)
  check "admin/tokens: operator and approvers created" bash -c "[[ '$OPERATOR' == egw_* && '$APPROVER1' == egw_* && '$APPROVER2' == egw_* ]]"

  # Profiles: one open, one with a domain policy, one that needs two approvals (created, edited, activated).
  check "admin/profiles: create active" answers '.status == "active"' -X POST "$GW/profiles" -d '{"name":"web","status":"active"}'
  check "admin/profiles: create with domain policy" answers '.domainPolicy.allowWildcards == false' -X POST "$GW/profiles" \
    -d '{"name":"corp","status":"active","settings":{"domainPolicy":{"allowedSuffixes":["corp.example.com"],"allowWildcards":false,"allowIpAddresses":false}}}'
  check "admin/profiles: create draft" answers '.status == "draft"' -X POST "$GW/profiles" -d '{"name":"gated"}'
  check "admin/profiles: edit approval" answers '.approval.approvers == 2' -X PATCH "$GW/profiles/gated" \
    -d '{"settings":{"approval":{"required":true,"approvers":2,"pendingTtlHours":72}}}'
  check "admin/profiles: activate" answers '.status == "active"' -X POST "$GW/profiles/gated/activate"

  TOKEN=$OPERATOR
  ASSET=$(api -X POST "$GW/assets" -d '{"name":"web-01","dnsNames":"web-01.corp.example.com, www.corp.example.com","owner":"web team","notifyEmail":"owner@example.test"}' | jq -r .id)
  check "admin/assets: created and found" answers ".items[0].id == \"$ASSET\"" "$GW/assets?q=web-01"

  # P10 without domain policy: upload a CSR, edit the names, download PEM, DER and PKCS#7.
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout web.key -subj /CN=web-01 -out web.csr 2>/dev/null
  jq -n --rawfile csr web.csr --arg asset "$ASSET" \
    '{profile:"web", assetId:$asset, csr:$csr, dnsNames:"web-01.corp.example.com, web.example.net"}' |
    api -X POST "$GW/enrollments/p10" -d @- >p10.json
  REQ=$(jq -r .request.id p10.json)
  check "admin/p10: issued" holds '.outcome == "issued"' p10.json
  api "$GW/requests/$REQ/certificate?format=pem" -o web.pem
  api "$GW/requests/$REQ/certificate?format=der" -o web.der
  api "$GW/requests/$REQ/certificate?format=p7b" -o web.p7b
  check "admin/p10: PEM has the edited names" bash -c \
    "openssl x509 -in web.pem -noout -ext subjectAltName | grep -q 'DNS:web-01.corp.example.com, DNS:web.example.net'"
  check "admin/p10: DER opens" openssl x509 -inform DER -in web.der -noout
  check "admin/p10: PKCS#7 holds certificate and chain" bash -c \
    "[ \$(openssl pkcs7 -inform DER -in web.p7b -print_certs | grep -c subject=) = 3 ]"
  check "admin/p10: certificate verifies against the chain" bash -c \
    "curl -fsS '$GW_HTTP/ca/chain.pem' -o chain.pem && openssl verify -CAfile chain.pem web.pem"

  # P10 with a domain policy: the refusal names the rule and the name.
  jq -n --rawfile csr web.csr '{profile:"corp", csr:$csr, dnsNames:"web-01.corp.example.com, evil.example.org"}' |
    api -X POST "$GW/enrollments/p10" -d @- >refused.json
  check "admin/p10-policy: refused with rule and name" holds \
    '.code == "domain_policy" and .details.rule == "suffix_not_allowed" and .details.name == "evil.example.org"' refused.json
  jq -n --rawfile csr web.csr '{profile:"gated", csr:$csr, dryRun:true}' | api -X POST "$GW/enrollments/p10" -d @- >dry.json
  check "admin/dry-run: would wait for 2 approvals" holds '.wouldBe == "pending" and .approvalsNeeded == 2' dry.json

  # P12: the server makes the key; the password is in the download answer only.
  api -X POST "$GW/enrollments/p12" -d "{\"profile\":\"corp\",\"assetId\":\"$ASSET\"}" >p12.json
  P12REQ=$(jq -r .request.id p12.json)
  api -X POST "$GW/requests/$P12REQ/p12" >download.json
  jq -r .pkcs12 download.json | base64 -d >web-01.p12
  P12PASS=$(jq -r .password download.json)
  check "admin/p12: openssl pkcs12 opens it with the password (AES-256)" bash -c \
    "openssl pkcs12 -in web-01.p12 -passin pass:'$P12PASS' -nodes -info 2>&1 | grep -q 'AES-256-CBC'"
  check "admin/p12: second download refused" answers '.code == "invalid_state"' -X POST "$GW/requests/$P12REQ/p12"
  check "admin/p12: installation confirmed" answers '.installedAt' -X POST "$GW/requests/$P12REQ/confirm-installation"
  check "admin/p12: password in neither the database nor the log" bash -c "! grep -rqa -- '$P12PASS' '$GW_DIR' '$GW_LOG'"

  # ACME and SCEP registration for the asset.
  api -X POST "$GW/assets/$ASSET/registrations" -d '{"protocol":"acme","profile":"web"}' >acme.json
  check "admin/acme-registration: directory URL and EAB" holds \
    '.directoryUrl == $u and (.eab.kid | length) > 0 and (.eab.hmacKey | length) == 43' acme.json --arg u "$GW_HTTPS/acme/web/directory"
  api -X POST "$GW/assets/$ASSET/registrations" -d '{"protocol":"scep","profile":"web"}' >scep.json
  check "admin/scep-registration: SCEP URL and challenge" holds \
    '.scepUrl == $u and (.challenge | length) > 0' scep.json --arg u "$GW_HTTP/scep/web"
  CODE=$(jq -r .code.id scep.json)
  check "admin/codes: view code and URL" answers ".code == \"$(jq -r .challenge scep.json)\" and .url == \"$GW_HTTP/scep/web\"" "$GW/codes/$CODE/secret"
  check "admin/codes: unlock needs a reason" answers '.code == "invalid_input"' -X POST "$GW/codes/$CODE/unlock" -d '{}'
  check "admin/codes: reset" answers '.status == "active" and .expired == false' -X POST "$GW/codes/$CODE/reset"

  # The approval queue: submitted by the operator, approved by two others, requester told by email.
  jq -n --rawfile csr web.csr --arg asset "$ASSET" '{profile:"gated", assetId:$asset, csr:$csr}' |
    api -X POST "$GW/enrollments/p10" -d @- >gated.json
  GREQ=$(jq -r .request.id gated.json)
  check "admin/queue: pending" holds '.outcome == "pending"' gated.json
  check "admin/queue: the requester may not approve" answers '.code == "forbidden"' -X POST "$GW/requests/$GREQ/approve" -d '{}'
  TOKEN=$APPROVER1
  check "admin/queue: waiting for me" answers ".items | map(.id) | index(\"$GREQ\") != null" "$GW/requests?status=pending&waitingFor=me"
  check "admin/queue: internal note" answers '.author == "bob"' -X POST "$GW/requests/$GREQ/notes" -d '{"text":"owner confirmed by phone"}'
  check "admin/queue: first approval recorded" answers '.outcome == "recorded"' -X POST "$GW/requests/$GREQ/approve" -d '{"comment":"ok"}'
  TOKEN=$APPROVER2
  check "admin/queue: details show CSR, approvals and notes" answers \
    '.csr.signatureValid and (.approvals | length) == 1 and .notes[0].text == "owner confirmed by phone"' "$GW/requests/$GREQ"
  check "admin/queue: second approver issues" answers '.outcome == "issued"' -X POST "$GW/requests/$GREQ/approve" -d '{}'
  R2=$(jq -n --rawfile csr web.csr '{profile:"gated", csr:$csr}' | TOKEN=$OPERATOR api -X POST "$GW/enrollments/p10" -d @- | jq -r .request.id)
  check "admin/queue: reject with reason" answers '.request.reason == "wrong host"' -X POST "$GW/requests/$R2/reject" -d '{"comment":"wrong host"}'
  B1=$(jq -n --rawfile csr web.csr '{profile:"gated", csr:$csr}' | TOKEN=$OPERATOR api -X POST "$GW/enrollments/p10" -d @- | jq -r .request.id)
  B2=$(jq -n --rawfile csr web.csr '{profile:"gated", csr:$csr}' | TOKEN=$OPERATOR api -X POST "$GW/enrollments/p10" -d @- | jq -r .request.id)
  check "admin/queue: bulk approve, one result each" answers '[.results[].ok] == [true,true]' \
    -X POST "$GW/requests/bulk-decision" -d "{\"decision\":\"approve\",\"ids\":[\"$B1\",\"$B2\"]}"
  for _ in $(seq 1 50); do
    mailed alice@example.test approved && mailed alice@example.test rejected &&
      mailed bob@example.test 'Approval needed' && mailed owner@example.test 'Certificate issued' && break
    sleep 0.2
  done
  check "admin/email: approvers told of the pending request" mailed bob@example.test 'Approval needed'
  check "admin/email: requester told of the approval over SMTP" mailed alice@example.test 'approved'
  check "admin/email: requester told of the rejection" mailed alice@example.test 'rejected'
  check "admin/email: asset owner told of the issuance" mailed owner@example.test 'Certificate issued'
  TOKEN=$ROOT_TOKEN
  check "admin/audit: trail of the approved request" answers \
    '[.items[].action] == ["request.submitted","request.note-added","request.approval-recorded","request.approved","certificate.issued"]' \
    "$GW/requests/$GREQ/audit"
  api "$GW/audit/export" -o audit.jsonl
  check "admin/audit: export verified by the CLI" env GATEWAY_LOG_LEVEL=silent node "$ROOT/dist/src/cli.js" audit verify --file audit.jsonl
  cd "$ROOT" || exit 1
  stop_gateway "$GW_PID"
else
  fail "admin/start: gateway with SMTP notifications"
fi
kill -TERM "$SMTP_PID" 2>/dev/null

# The registrations used by real clients: lego with the EAB key of an asset's ACME registration on a
# profile that needs approval (the order waits in `processing` until an approver approves through the
# API), and scepclient with the challenge of an asset's SCEP registration (the certificate is related
# to the asset). Challenges are not checked here (GATEWAY_ACME_ALWAYS_VALID): that is 20-acme's job.
if start_gateway admin-clients GATEWAY_ACME_ALWAYS_VALID=true; then
  STARTED_PIDS+=("$GW_PID")
  cd "$WORK" || exit 1
  GW=$GW_HTTPS/api/v1
  TOKEN=$(grep -o 'egw_[A-Za-z0-9_-]*' "$GW_LOG" | head -n 1)
  api -X POST "$GW/profiles" -d '{"name":"devices","status":"active","settings":{"acme":{"externalAccountRequired":true},
    "scep":{"allowDes":true},"approval":{"required":false,"approvers":1,"pendingTtlHours":2}}}' >/dev/null
  api -X POST "$GW/profiles" -d '{"name":"devices-gated","status":"active","settings":{"acme":{"externalAccountRequired":true},
    "approval":{"required":true,"approvers":1,"pendingTtlHours":2}}}' >/dev/null
  DEVICE=$(api -X POST "$GW/assets" -d '{"name":"edge-1","dnsNames":"edge-1.example.test"}' | jq -r .id)
  APPROVER=$(api -X POST "$GW/tokens" -d '{"subject":"bob","role":"approver"}' | jq -r .token)

  api -X POST "$GW/assets/$DEVICE/registrations" -d '{"protocol":"acme","profile":"devices-gated"}' >lego-reg.json
  LEGO_PORT=$(free_port)
  (LEGO_CA_CERTIFICATES=$GW_DIR/root-ca.pem timeout 90 lego --server "$(jq -r .directoryUrl lego-reg.json)" --eab \
    --kid "$(jq -r .eab.kid lego-reg.json)" --hmac "$(jq -r .eab.hmacKey lego-reg.json)" --email ops@example.test \
    --accept-tos --path "$WORK/lego-eab" --domains edge-1.example.test --http --http.port "127.0.0.1:$LEGO_PORT" run \
    >lego-eab.out 2>&1) &
  LEGO_PID=$!
  PENDING=
  for _ in $(seq 1 60); do
    PENDING=$(TOKEN=$APPROVER api "$GW/requests?status=pending&protocol=acme&waitingFor=me" | jq -r '.items[0].id // empty')
    [ -n "$PENDING" ] && break
    sleep 0.5
  done
  check "admin/acme-eab: lego's order waits in the approval queue" test -n "$PENDING"
  check "admin/acme-eab: the approver's approval issues" bash -c \
    "curl -sS --cacert '$GW_DIR/root-ca.pem' -H 'Authorization: Bearer $APPROVER' -H 'Content-Type: application/json' \
       -X POST '$GW/requests/$PENDING/approve' -d '{}' | jq -e '.outcome == \"issued\"' >/dev/null"
  wait "$LEGO_PID"
  check "admin/acme-eab: lego receives the certificate" openssl verify -CAfile "$GW_DIR/root-ca.pem" \
    -untrusted "$WORK/lego-eab/certificates/edge-1.example.test.issuer.crt" "$WORK/lego-eab/certificates/edge-1.example.test.crt"
  check "admin/acme-eab: the EAB code is used up" answers '.status == "used"' "$GW/codes/$(jq -r .eab.kid lego-reg.json)"
  # The account was bound with the asset's EAB code, so lego's certificate is recorded under the asset.
  LEGO_SERIAL=$(openssl x509 -in "$WORK/lego-eab/certificates/edge-1.example.test.crt" -noout -serial 2>/dev/null | cut -d= -f2)
  check "admin/acme-eab: lego's certificate is listed under the asset" answers \
    "[.items[] | select((.serialNumber | ascii_downcase | ltrimstr(\"0\")) == (\"${LEGO_SERIAL}\" | ascii_downcase | ltrimstr(\"0\")))] | length == 1" \
    "$GW/assets/$DEVICE/certificates"

  api -X POST "$GW/assets/$DEVICE/registrations" -d '{"protocol":"scep","profile":"devices"}' >scep-reg.json
  curl -fsS -o scep-ca.p7 "$(jq -r .scepUrl scep-reg.json)?operation=GetCACert"
  RA_FP=$(openssl pkcs7 -inform DER -in scep-ca.p7 -print_certs | openssl x509 -outform DER | sha256sum | cut -d' ' -f1)
  mkdir -p scep-device
  check "admin/scep: scepclient enrols with the registration's challenge" bash -c \
    "cd scep-device && timeout 60 scepclient -server-url '$(jq -r .scepUrl scep-reg.json)' -private-key device.key \
       -challenge '$(jq -r .challenge scep-reg.json)' -cn edge-1.example.test -ca-fingerprint '$RA_FP' >/dev/null 2>&1 &&
     openssl x509 -in client.pem -noout"
  check "admin/scep: the certificate is related to the asset" answers \
    '[.items[] | select(.subject | test("edge-1"))] | length >= 1' "$GW/assets/$DEVICE/certificates"
  cd "$ROOT" || exit 1
  stop_gateway "$GW_PID"
else
  fail "admin/clients: gateway starts"
fi
