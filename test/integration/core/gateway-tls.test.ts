/**
 * The gateway's own HTTPS certificate on both dialects: instances starting together share one,
 * its key is stored only sealed, and every new one is audited with the reason (first, names
 * changed, near expiry, revoked).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayTlsCertificate as GatewayTls } from '../../../src/core/certificates/gateway-tls.js';
import { dialects } from '../../helpers/db.js';
import { testCore, type TestCore } from '../../helpers/core.js';

const DAY_MS = 86_400_000;

describe.each(dialects)("the gateway's own HTTPS certificate (%s)", (dialect) => {
  let t: TestCore;
  beforeAll(async () => {
    t = await testCore(dialect);
  });
  afterAll(() => t.cleanup());

  const own = (names = ['localhost', '127.0.0.1']) =>
    t.core.gatewayTlsCertificate({
      names,
      sign: (signed, now) => t.ca.issueServerCertificate(signed, 90, now),
    });
  const reasons = async () =>
    (await t.store.audit.list({ limit: 1000 }))
      .filter((e) => e.action === 'certificate.issued' && e.data.purpose === 'gateway-tls')
      .map((e) => [e.targetId, e.data.reason, e.data.replaces]);

  it('When three instances start at once, Then one certificate is issued and all three serve it with its key', async () => {
    const started = await Promise.all([own(), own(), own()]);
    expect(new Set(started.map((s) => s.serialNumber)).size).toBe(1);
    expect(started.filter((s) => s.issued)).toHaveLength(1);
    const [first] = started as [GatewayTls, ...GatewayTls[]];
    const certificate = new X509Certificate(first.certPem);
    expect(certificate.checkPrivateKey(createPrivateKey(first.keyPem))).toBe(true);
    expect(certificate.serialNumber.toLowerCase()).toBe(first.serialNumber);
    expect((await t.store.certificates.get(first.serialNumber))?.purpose).toBe('gateway-tls');
    expect(await reasons()).toEqual([[first.serialNumber, 'first', null]]);
  });

  it('When the key is at rest, Then the database holds it only sealed under the master key', async () => {
    const row = (await t.store.knex('gateway_tls').first()) as { key_sealed: string };
    expect(row.key_sealed).toMatch(/^v1\./);
    expect(row.key_sealed).not.toContain('PRIVATE KEY');
  });

  it('When names change, time passes or the certificate is revoked, Then a new one replaces it, audited with the reason', async () => {
    const first = await own();
    const renamed = await own(['gateway.example.test']);
    expect(renamed.issued).toBe(true);
    t.clock.advance(59 * DAY_MS);
    expect((await own(['gateway.example.test'])).serialNumber).toBe(renamed.serialNumber);
    t.clock.advance(2 * DAY_MS);
    const renewed = await own(['gateway.example.test']);
    expect(renewed.serialNumber).not.toBe(renamed.serialNumber);
    await t.core.revoke({ serialNumber: renewed.serialNumber, reason: 1, actor: 'admin' });
    const replaced = await own(['gateway.example.test']);
    expect(replaced.serialNumber).not.toBe(renewed.serialNumber);
    expect((await reasons()).slice(1)).toEqual([
      [renamed.serialNumber, 'names-changed', first.serialNumber],
      [renewed.serialNumber, 'near-expiry', renamed.serialNumber],
      [replaced.serialNumber, 'revoked', renewed.serialNumber],
    ]);
    const inventory = await t.store.search.certificates({ purpose: 'gateway-tls', limit: 100 });
    expect(inventory.items).toHaveLength(4);
    expect((await t.core.verifyAuditChain()).ok).toBe(true);
  });
});
