/**
 * Seed pages end to end through the API: Smart ID "Enroll profile" (P10, with and without domain
 * policy) and DigiCert TLM "Manage enrollments" (queue, details, notes, status, approve, reject with
 * reason, bulk, resend), plus inventory revocation and the audit trail of every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr, openssl } from '../../helpers/pki.js';
import { adminHarness, binary, text, type AdminHarness } from './harness.js';

describe.each(dialects)('P10 enrolment and the approval queue on %s', (dialect) => {
  let h: AdminHarness;
  let open: { id: string; name: string };
  let guarded: { id: string; name: string };
  let gated: { id: string; name: string };
  let assetId: string;

  beforeAll(async () => {
    h = await adminHarness(dialect, { notificationChannels: true });
  });
  afterAll(() => h.cleanup());

  const post = (user: keyof AdminHarness['tokens'], path: string, body: object = {}) =>
    h.api.post(`/api/v1${path}`).set(h.as(user)).send(body);
  const get = (user: keyof AdminHarness['tokens'], path: string) =>
    h.api.get(`/api/v1${path}`).set(h.as(user));

  it('When an admin creates, edits and activates profiles, Then only active profiles enrol', async () => {
    const draft = await post('root', '/profiles', { name: 'web-open' }).expect(201);
    expect(draft.body.status).toBe('draft');
    const csr = makeCsr({ dnsNames: ['www.example.net'] });
    const refused = await post('alice', '/enrollments/p10', { profile: 'web-open', csr: csr.pem }).expect(
      422,
    );
    expect(refused.body.code).toBe('profile_not_active');
    await h.api
      .patch('/api/v1/profiles/web-open')
      .set(h.as('root'))
      .send({ settings: { validityDays: 30, description: 'open web profile' } })
      .expect(200);
    open = (await post('root', '/profiles/web-open/activate').expect(200)).body;
    expect(open).toMatchObject({ status: 'active', validityDays: 30 });
    // The SCEP and ACME groups merge key by key, and a misspelt key is refused rather than stored.
    const scep = await h.api
      .patch('/api/v1/profiles/web-open')
      .set(h.as('root'))
      .send({ settings: { scep: { allowDes: true } } })
      .expect(200);
    expect(scep.body.scep).toMatchObject({ allowDes: true, includeChain: true, caCertFormat: 'auto' });
    const typo = await h.api
      .patch('/api/v1/profiles/web-open')
      .set(h.as('root'))
      .send({ settings: { scep: { allowDES: true }, acme: { caaCheck: 'yes' } } })
      .expect(400);
    expect(typo.body.code).toBe('invalid_input');
    guarded = (
      await post('root', '/profiles', {
        name: 'web-guarded',
        status: 'active',
        settings: {
          domainPolicy: {
            allowedSuffixes: ['corp.example.com'],
            allowWildcards: false,
            allowIpAddresses: false,
          },
        },
      }).expect(201)
    ).body;
    gated = (
      await post('root', '/profiles', {
        name: 'web-gated',
        status: 'active',
        settings: { approval: { required: true, approvers: 2, pendingTtlHours: 24 } },
      }).expect(201)
    ).body;
    const disabled = await post('root', '/profiles', { name: 'to-disable', status: 'active' }).expect(201);
    await post('root', `/profiles/${disabled.body.id}/disable`).expect(200);
    const list = await get('dave', '/profiles?status=active&sort=name').expect(200);
    expect(list.body.items.map((p: { name: string }) => p.name)).toEqual([
      'web-gated',
      'web-guarded',
      'web-open',
    ]);
    await post('alice', '/profiles', { name: 'nope' }).expect(403);
  });

  it('When an operator creates and searches assets, Then the asset carries its DNS names and owner', async () => {
    const created = await post('alice', '/assets', {
      name: 'web-01',
      dnsNames: 'web-01.corp.example.com, www.corp.example.com',
      owner: 'web team',
      notifyEmail: 'owner@example.test',
    }).expect(201);
    assetId = created.body.id;
    expect(created.body.dnsNames).toEqual(['web-01.corp.example.com', 'www.corp.example.com']);
    await post('alice', '/assets', { name: 'printer-7', dnsNames: ['printer-7.lan.example.org'] }).expect(
      201,
    );
    const found = await get('bob', '/assets?q=corp.example').expect(200);
    expect(found.body.items).toHaveLength(1);
    const badName = await post('alice', '/assets', { name: 'x', dnsNames: 'not a name' }).expect(400);
    expect(badName.body).toMatchObject({ code: 'invalid_input', details: { field: 'dnsNames' } });
  });

  it('When a P10 CSR is uploaded without domain policy and the operator edits the names, Then it is issued and downloads as PEM, DER and PKCS#7', async () => {
    const csr = makeCsr({ subject: 'CN=web-01', dnsNames: ['ignored.example.net'] });
    const res = await post('alice', '/enrollments/p10', {
      profile: 'web-open',
      assetId,
      csr: csr.pem,
      subject: 'CN=web-01.corp.example.com, O=Example',
      dnsNames: 'web-01.corp.example.com, alias.example.net',
    }).expect(201);
    expect(res.body.outcome).toBe('issued');
    expect(res.body.request).toMatchObject({
      assetId,
      dnsNames: ['web-01.corp.example.com', 'alias.example.net'],
    });
    expect(res.body.request.csrPem).toBeUndefined();
    const requestId = res.body.request.id as string;

    const pem = await get('alice', `/requests/${requestId}/certificate?format=pem`).expect(200);
    expect(pem.headers['content-type']).toContain('application/pem-certificate-chain');
    const text = openssl(['x509', '-noout', '-text'], { input: pem.text }).stdout;
    expect(text).toContain('DNS:web-01.corp.example.com, DNS:alias.example.net');
    expect(text).toMatch(/Subject: .*CN ?= ?web-01\.corp\.example\.com/);
    const der = await get('alice', `/requests/${requestId}/certificate?format=der`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(
      openssl(['x509', '-inform', 'DER', '-noout', '-serial'], { input: der.body as Buffer }).status,
    ).toBe(0);
    const p7 = await get('dave', `/requests/${requestId}/certificate?format=p7b`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const certs = openssl(['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], {
      input: p7.body as Buffer,
    });
    expect(certs.status).toBe(0);
    expect(certs.stdout.match(/subject=/g)).toHaveLength(3);

    // The certificate is related to the asset.
    const asset = await get('bob', `/assets/${assetId}`).expect(200);
    expect(asset.body.certificates.map((c: { requestId: string }) => c.requestId)).toContain(requestId);
    expect(asset.body.requests.map((r: { id: string }) => r.id)).toContain(requestId);
  });

  it('When a P10 CSR comes as base64 DER for an asset and names nothing, Then the asset prefills the names', async () => {
    const csr = makeCsr({ subject: 'CN=web-01' });
    const res = await post('alice', '/enrollments/p10', {
      profile: 'web-open',
      assetId,
      csr: Buffer.from(csr.der).toString('base64'),
    }).expect(201);
    expect(res.body.request.dnsNames).toEqual(['web-01.corp.example.com', 'www.corp.example.com']);
  });

  it('When names break the domain policy, Then the answer names the rule and the refused name, and a compliant edit is issued', async () => {
    const csr = makeCsr({ dnsNames: ['web-01.corp.example.com'] });
    const outside = await post('alice', '/enrollments/p10', {
      profile: 'web-guarded',
      csr: csr.pem,
      dnsNames: 'web-01.corp.example.com, evil.example.org',
    }).expect(422);
    expect(outside.body).toMatchObject({
      code: 'domain_policy',
      details: { rule: 'suffix_not_allowed', name: 'evil.example.org' },
    });
    expect(outside.body.details.requestId).toBeTruthy();
    const wildcard = await post('alice', '/enrollments/p10', {
      profile: 'web-guarded',
      csr: csr.pem,
      dnsNames: '*.corp.example.com',
    }).expect(422);
    expect(wildcard.body.details).toMatchObject({
      rule: 'wildcards_not_allowed',
      name: '*.corp.example.com',
    });
    const ok = await post('alice', '/enrollments/p10', {
      profile: 'web-guarded',
      csr: csr.pem,
      dnsNames: 'web-01.corp.example.com,api.corp.example.com',
    }).expect(201);
    expect(ok.body.outcome).toBe('issued');
  });

  it('When a submission is a dry run, Then it says issue, wait for N approvals or refuse with the rule, and creates nothing', async () => {
    const before = (await get('root', '/requests?limit=500').expect(200)).body.items.length;
    const csr = makeCsr({ dnsNames: ['a.corp.example.com'] });
    const issue = await post('alice', '/enrollments/p10', {
      profile: 'web-open',
      csr: csr.pem,
      dryRun: true,
    }).expect(200);
    expect(issue.body).toMatchObject({ outcome: 'dry-run', wouldBe: 'issued', approvalsNeeded: 0 });
    const wait = await post('alice', '/enrollments/p10', {
      profile: 'web-gated',
      csr: csr.pem,
      dryRun: true,
    }).expect(200);
    expect(wait.body).toMatchObject({ wouldBe: 'pending', approvalsNeeded: 2 });
    const refuse = await post('alice', '/enrollments/p10', {
      profile: 'web-guarded',
      csr: csr.pem,
      dnsNames: 'x.example.org',
      dryRun: true,
    }).expect(200);
    expect(refuse.body).toMatchObject({
      wouldBe: 'rejected',
      findings: [{ rule: 'suffix_not_allowed', subject: 'x.example.org' }],
    });
    const p12 = await post('alice', '/enrollments/p12', {
      profile: 'web-gated',
      dnsNames: 'b.example.net',
      dryRun: true,
    }).expect(200);
    expect(p12.body).toMatchObject({ wouldBe: 'pending', approvalsNeeded: 2 });
    expect((await get('root', '/requests?limit=500').expect(200)).body.items.length).toBe(before);
  });

  const submitGated = async (name: string) => {
    const res = await post('alice', '/enrollments/p10', {
      profile: 'web-gated',
      assetId,
      csr: makeCsr({ dnsNames: [name] }).pem,
    }).expect(202);
    expect(res.body).toMatchObject({ outcome: 'pending', approvalsNeeded: 2 });
    return res.body.request.id as string;
  };

  it('When a request needs two approvals, Then the queue shows it, the requester may not decide, notes and status are kept, and the second approver issues', async () => {
    const id = await submitGated('gated-1.example.net');
    const queue = await get('bob', '/requests?status=pending&waitingFor=me').expect(200);
    expect(queue.body.items.map((r: { id: string }) => r.id)).toContain(id);

    const self = await post('alice', `/requests/${id}/approve`).expect(403);
    expect(self.body.code).toBe('forbidden'); // operators may not decide at all
    await h.core
      .createToken({ subject: 'alice', role: 'approver', actor: 'root' })
      .then(async ({ token }) => {
        const own = await h.api
          .post(`/api/v1/requests/${id}/approve`)
          .set('Authorization', `Bearer ${token}`)
          .send({});
        expect(own.status).toBe(403);
        expect(own.body.code).toBe('self_approval');
      });

    await post('bob', `/requests/${id}/notes`, { text: 'Checked the host with the web team' }).expect(201);
    await post('bob', `/requests/${id}/status`, { state: 'in-progress', comment: 'looking' }).expect(200);
    await post('bob', `/requests/${id}/resend-approval-notification`).expect(202);
    const first = await post('bob', `/requests/${id}/approve`, { comment: 'ok' }).expect(200);
    expect(first.body).toMatchObject({ outcome: 'recorded', approvals: 1, approvalsNeeded: 2 });
    const again = await post('bob', `/requests/${id}/approve`).expect(409);
    expect(again.body.code).toBe('already_decided');
    expect(
      (await get('bob', '/requests?status=pending&waitingFor=me').expect(200)).body.items.map(
        (r: { id: string }) => r.id,
      ),
    ).not.toContain(id);

    const details = await get('carol', `/requests/${id}`).expect(200);
    expect(details.body).toMatchObject({
      status: 'pending',
      queueState: 'in-progress',
      csr: { dnsNames: ['gated-1.example.net'], signatureValid: true, publicKey: { algorithm: 'ec' } },
      findings: [],
      approvals: [{ approver: 'bob', decision: 'approve', comment: 'ok' }],
      notes: [{ author: 'bob', text: 'Checked the host with the web team' }],
    });
    expect(details.body.audit.map((e: { action: string }) => e.action)).toEqual([
      'request.submitted',
      'request.note-added',
      'request.queue-state-changed',
      'request.approval-reminder',
      'request.approval-recorded',
    ]);
    const second = await post('carol', `/requests/${id}/approve`).expect(200);
    expect(second.body.outcome).toBe('issued');
    const trail = await get('dave', `/requests/${id}/audit`).expect(200);
    expect(trail.body.items.at(-1)).toMatchObject({ action: 'certificate.issued', actor: 'system' });
  });

  it('When an approver rejects, Then a reason is required and kept, and resend-enrollment submits it again', async () => {
    const id = await submitGated('gated-2.example.net');
    const noReason = await post('bob', `/requests/${id}/reject`, {}).expect(400);
    expect(noReason.body.code).toBe('invalid_input');
    const rejected = await post('bob', `/requests/${id}/reject`, { comment: 'Host decommissioned' }).expect(
      200,
    );
    expect(rejected.body).toMatchObject({
      outcome: 'rejected',
      request: { status: 'rejected', reason: 'Host decommissioned' },
    });
    const late = await post('carol', `/requests/${id}/approve`).expect(409);
    expect(late.body.code).toBe('invalid_state');
    const status = await post('bob', `/requests/${id}/status`, { state: 'on-hold' }).expect(409);
    expect(status.body.code).toBe('invalid_state');
    const resent = await post('bob', `/requests/${id}/resend-enrollment`).expect(202);
    expect(resent.body.request).toMatchObject({
      status: 'pending',
      requester: 'alice',
      dnsNames: ['gated-2.example.net'],
    });
    expect(resent.body.request.id).not.toBe(id);
  });

  it('When an approver bulk-approves, Then each item gets its own result', async () => {
    const ids = [await submitGated('bulk-1.example.net'), await submitGated('bulk-2.example.net')];
    const first = await post('bob', '/requests/bulk-decision', {
      decision: 'approve',
      ids: [...ids, 'missing'],
    }).expect(200);
    expect(first.body.results).toEqual([
      { id: ids[0], ok: true, outcome: 'recorded' },
      { id: ids[1], ok: true, outcome: 'recorded' },
      { id: 'missing', ok: false, error: { code: 'not_found', message: 'No such enrolment request' } },
    ]);
    const second = await post('carol', '/requests/bulk-decision', { decision: 'approve', ids }).expect(200);
    expect(second.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['issued', 'issued']);
    const rejectAll = await post('carol', '/requests/bulk-decision', {
      decision: 'reject',
      ids: [await submitGated('bulk-3.example.net')],
    }).expect(200);
    expect(rejectAll.body.results[0]).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('When two approvers race on the last approval, Then exactly one certificate is issued', async () => {
    const profile = await post('root', '/profiles', {
      name: `race-${dialect}`,
      status: 'active',
      settings: { approval: { required: true, approvers: 1, pendingTtlHours: 24 } },
    }).expect(201);
    const res = await post('alice', '/enrollments/p10', {
      profile: profile.body.id,
      csr: makeCsr({ dnsNames: ['race.example.net'] }).pem,
    }).expect(202);
    const id = res.body.request.id as string;
    const answers = await Promise.all([
      post('bob', `/requests/${id}/approve`),
      post('carol', `/requests/${id}/approve`),
    ]);
    expect(answers.filter((a) => a.status === 200 && a.body.outcome === 'issued')).toHaveLength(1);
    const certs = await get('root', `/certificates?requestId=${id}`).expect(200);
    expect(certs.body.items).toHaveLength(1);
  });

  it('When lists are paged and sorted, Then the cursor walks every item once in the asked order', async () => {
    const all = (
      await get('root', '/requests?limit=500&sort=createdAt&order=desc').expect(200)
    ).body.items.map((r: { id: string }) => r.id);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const path = `/requests?limit=2&sort=createdAt&order=desc${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await get('root', path).expect(200)).body as {
        items: { id: string }[];
        next: string | null;
      };
      walked.push(...body.items.map((r) => r.id));
      cursor = body.next;
    } while (cursor);
    expect(walked).toEqual(all);
    const bad = await get('root', '/requests?cursor=zzz').expect(400);
    expect(bad.body.code).toBe('invalid_input');
    const issued = await get('root', '/requests?status=issued,rejected&protocol=p10').expect(200);
    expect(
      issued.body.items.every((r: { status: string }) => ['issued', 'rejected'].includes(r.status)),
    ).toBe(true);
  });

  it('When the inventory is searched and a certificate revoked with a reason, Then the CRL lists it and the export has it', async () => {
    const found = await get('dave', `/certificates?q=web-01.corp&assetId=${assetId}&sort=notAfter`).expect(
      200,
    );
    expect(found.body.items.length).toBeGreaterThan(0);
    const serial = found.body.items[0].serialNumber as string;
    const bySerial = await get('dave', `/certificates?serial=${serial.slice(0, 6)}`).expect(200);
    expect(bySerial.body.items.map((c: { serialNumber: string }) => c.serialNumber)).toContain(serial);
    const soon = await get(
      'dave',
      `/certificates?expiresBefore=${encodeURIComponent(new Date(Date.now() + 40 * 86_400_000).toISOString())}&profileId=${open.id}`,
    ).expect(200);
    expect(soon.body.items.length).toBeGreaterThan(0);
    await post('dave', `/certificates/${serial}/revoke`, { reason: 'keyCompromise' }).expect(403);
    const revoked = await post('alice', `/certificates/${serial}/revoke`, { reason: 'keyCompromise' }).expect(
      200,
    );
    expect(revoked.body).toMatchObject({ status: 'revoked', revocationReason: 1 });
    const twice = await post('alice', `/certificates/${serial}/revoke`, { reason: 'superseded' }).expect(409);
    expect(twice.body.code).toBe('invalid_state');
    const crl = openssl(['crl', '-inform', 'DER', '-noout', '-text'], {
      input: Buffer.from(await h.ca.crl()),
    });
    expect(crl.stdout.toLowerCase().replace(/:/g, '')).toContain(serial.toLowerCase());
    expect(crl.stdout).toContain('Key Compromise');
    const csv = await get('dave', `/certificates/export?format=csv&assetId=${assetId}`).expect(200);
    expect(csv.text.split('\n')[0]).toBe(
      'serialNumber,subject,dnsNames,ipAddresses,notBefore,notAfter,status,revokedAt,assetId,profileId,requestId',
    );
    expect(csv.text).toContain(`${serial},`);
    const jsonl = await get('dave', '/certificates/export?status=revoked')
      .buffer(true)
      .parse(text)
      .expect(200);
    expect(
      (jsonl.body as string)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).serialNumber),
    ).toEqual([serial]);
    expect(guarded.id).toBeTruthy();
    expect(gated.id).toBeTruthy();
  });

  it('When the audit log is queried by asset, profile and actor, Then each finds its events and the chain verifies', async () => {
    const byAsset = await get('dave', `/audit?assetId=${assetId}&limit=500`).expect(200);
    const actions = new Set(byAsset.body.items.map((e: { action: string }) => e.action));
    for (const a of [
      'asset.created',
      'request.auto-approved',
      'certificate.issued',
      'certificate.revoked',
      'request.rejected',
    ]) {
      expect(actions, a).toContain(a);
    }
    const byProfile = await get('dave', `/audit?profileId=${gated.id}&limit=500`).expect(200);
    expect(byProfile.body.items[0]).toMatchObject({ action: 'profile.created', targetId: gated.id });
    const byActor = await get('dave', '/audit?actor=carol&order=desc&limit=1').expect(200);
    expect(byActor.body.items).toHaveLength(1);
    expect(byActor.body.next).toBeTruthy();
    await get('alice', '/audit').expect(403);
    const verdict = await get('dave', '/audit/verify').expect(200);
    expect(verdict.body).toMatchObject({ ok: true });
  });
});
