import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCoreError } from '../../../src/core/errors.js';
import { dialects } from '../../helpers/db.js';
import { testCore, type TestCore } from '../../helpers/core.js';
import { makeCsr, openssl } from '../../helpers/pki.js';

describe.each(dialects)('enrolment on %s', (dialect) => {
  let t: TestCore;
  beforeEach(async () => {
    t = await testCore(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('When a profile needs no approval, Then submit issues a certificate that openssl verifies and records it', async () => {
    const profile = await t.profile();
    const csr = makeCsr({
      subject: 'CN=www.example.com',
      dnsNames: ['www.example.com', 'example.com'],
      ipAddresses: ['192.0.2.7'],
    });
    const result = await t.core.submit({
      protocol: 'p10',
      profile: profile.name,
      requester: 'alice',
      csr: csr.pem,
    });
    expect(result.outcome).toBe('issued');
    if (result.outcome !== 'issued') return;
    const [issuing, root] = t.ca.caChain();
    const verify = openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'leaf.pem'], {
      files: { 'root.pem': root ?? '', 'issuing.pem': issuing ?? '', 'leaf.pem': result.certificate.pem },
    });
    expect(verify.stdout).toContain('leaf.pem: OK');
    expect(result.request.status).toBe('issued');
    const stored = await t.store.certificates.get(result.certificate.serialNumber);
    expect(stored?.requestId).toBe(result.request.id);
    expect((await t.store.requests.get(result.request.id))?.certificateSerial).toBe(
      result.certificate.serialNumber,
    );
    expect(stored?.dnsNames.sort()).toEqual(['example.com', 'www.example.com']);
    expect(stored?.ipAddresses).toEqual(['192.0.2.7']);
    const notAfter = stored?.notAfter.getTime() ?? 0;
    expect(notAfter - (stored?.notBefore.getTime() ?? 0)).toBe(profile.validityDays * 86_400_000);
    const actions = (await t.store.audit.list({ targetId: result.request.id })).map((e) => e.action);
    expect(actions).toEqual(['request.auto-approved', 'certificate.issued']);
  });

  it('When the profile is not active or refuses the protocol, Then submit says which', async () => {
    const draft = await t.core.createProfile({ name: 'draft-one', actor: 'admin' });
    const csr = makeCsr({ dnsNames: ['a.example.com'] });
    await expect(
      t.core.submit({ protocol: 'p10', profile: draft.id, requester: 'alice', csr: csr.der }),
    ).rejects.toMatchObject({
      code: 'profile_not_active',
    });
    const scepOnly = await t.profile({ protocols: ['scep'] });
    await expect(
      t.core.submit({ protocol: 'acme', profile: scepOnly.name, requester: 'alice', csr: csr.der }),
    ).rejects.toMatchObject({
      code: 'protocol_not_allowed',
    });
  });

  it('When a name breaks the domain policy, Then the request is recorded rejected and the rule and name are named', async () => {
    const profile = await t.profile({
      domainPolicy: { allowedSuffixes: ['example.com'], allowWildcards: false, allowIpAddresses: false },
    });
    const cases = [
      { dnsNames: ['www.example.org'], rule: 'suffix_not_allowed', name: 'www.example.org' },
      { dnsNames: ['*.example.com'], rule: 'wildcards_not_allowed', name: '*.example.com' },
      { dnsNames: ['ok.example.com'], ipAddresses: ['10.0.0.1'], rule: 'ip_not_allowed', name: '10.0.0.1' },
      { dnsNames: ['evil-example.com'], rule: 'suffix_not_allowed', name: 'evil-example.com' },
    ];
    for (const c of cases) {
      const csr = makeCsr({ dnsNames: c.dnsNames, ipAddresses: c.ipAddresses });
      const result = await t.core.submit({
        protocol: 'p10',
        profile: profile.id,
        requester: 'bob',
        csr: csr.der,
      });
      expect(result.outcome).toBe('rejected');
      if (result.outcome !== 'rejected') continue;
      expect(result.error.code).toBe('domain_policy');
      expect(result.error.details).toMatchObject({ rule: c.rule, name: c.name });
      expect(result.request?.status).toBe('rejected');
      expect((await t.store.requests.get(result.request?.id ?? ''))?.reason).toContain(c.name);
    }
    const ok = await t.core.submit({
      protocol: 'p10',
      profile: profile.id,
      requester: 'bob',
      csr: makeCsr({ dnsNames: ['deep.www.example.com'] }).der,
    });
    expect(ok.outcome).toBe('issued');
  });

  it('When a key breaks the key policy, Then the refusal is a key_policy error naming the rule', async () => {
    const profile = await t.profile({
      keyPolicy: { algorithms: ['ec'], minRsaBits: 2048, ecCurves: ['P-384'], generate: 'ec-p384' },
    });
    const result = await t.core.submit({
      protocol: 'p10',
      profile: profile.id,
      requester: 'bob',
      csr: makeCsr({ key: 'ec-p256', dnsNames: ['a.example.com'] }).der,
    });
    expect(result.outcome === 'rejected' && result.error.code).toBe('key_policy');
    expect(result.outcome === 'rejected' && result.error.details.rule).toBe('ec_curve');
  });

  it('When dryRun is set, Then submit reports what would happen and creates nothing', async () => {
    const profile = await t.profile({ approval: { required: true, approvers: 2, pendingTtlHours: 1 } });
    const result = await t.core.submit({
      protocol: 'p10',
      profile: profile.id,
      requester: 'bob',
      csr: makeCsr({ dnsNames: ['a.example.com'] }).der,
      dryRun: true,
    });
    expect(result).toMatchObject({ outcome: 'dry-run', wouldBe: 'pending', approvalsNeeded: 2 });
    expect((await t.store.requests.list()).items).toHaveLength(0);
  });

  it('When the CSR is garbage or its signature is wrong, Then submit refuses it as bad_csr', async () => {
    const profile = await t.profile();
    await expect(
      t.core.submit({ protocol: 'p10', profile: profile.id, requester: 'x', csr: new Uint8Array([1, 2, 3]) }),
    ).rejects.toMatchObject({ code: 'bad_csr' });
    const der = Buffer.from(makeCsr({ dnsNames: ['a.example.com'] }).der);
    der[der.length - 5] ^= 0xff;
    const err = await t.core
      .submit({ protocol: 'p10', profile: profile.id, requester: 'x', csr: der })
      .catch((e: unknown) => e);
    expect(isCoreError(err, 'bad_csr')).toBe(true);
  });

  it('When a certificate is revoked, Then the store, the audit log and the CRL show it, and a second revocation is refused', async () => {
    const profile = await t.profile();
    const issued = await t.core.submit({
      protocol: 'p10',
      profile: profile.id,
      requester: 'x',
      csr: makeCsr({ dnsNames: ['r.example.com'] }).der,
    });
    if (issued.outcome !== 'issued') throw new Error('not issued');
    const serial = issued.certificate.serialNumber;
    await t.core.revoke({ serialNumber: serial, reason: 1, actor: 'admin' });
    expect((await t.store.certificates.get(serial))?.status).toBe('revoked');
    await expect(t.core.revoke({ serialNumber: serial, reason: 1, actor: 'admin' })).rejects.toMatchObject({
      code: 'invalid_state',
    });
    const crl = openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-noout', '-text'], {
      files: { 'crl.der': await t.ca.crl() },
    });
    expect(crl.stdout.replace(/\s/g, '').toUpperCase()).toContain(serial.toUpperCase());
    expect(crl.stdout).toContain('Key Compromise');
  });
});
