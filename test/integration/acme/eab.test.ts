/**
 * External Account Binding (RFC 8555 §7.3.4) backed by enrolment codes: the key id is a code of the
 * profile (purpose acme-eab), the MAC key its secret; a wrong MAC counts toward the code's lockout.
 */
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAsset } from '../../../src/core/assets/create-asset.js';
import { defaultAcmeSettings } from '../../../src/core/profiles/profile.js';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { acmeBench, type Bench, type Client } from './harness.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const err = (type: string) => `urn:ietf:params:acme:error:${type}`;

function eab(client: Client, url: string, kid: string, macKey: string, alg = 'HS256', jwk = client.key.jwk) {
  const protectedHeader = b64({ alg, kid, url });
  const payload = b64(jwk);
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  const signature = createHmac(hash, Buffer.from(macKey, 'base64url'))
    .update(`${protectedHeader}.${payload}`)
    .digest('base64url');
  return { protected: protectedHeader, payload, signature };
}

describe.each(dialects)('ACME external account binding (%s)', (dialect) => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await acmeBench(dialect, {
      acme: { ...defaultAcmeSettings(), externalAccountRequired: true },
      codePolicy: { ttlHours: 24, maxAttempts: 3 },
    });
  });
  afterAll(() => bench.cleanup());

  async function code(singleUse = true, assetId: string | null = null) {
    const profile = await bench.t.core.store.profiles.getByName(bench.profile);
    if (!profile) throw new Error('no profile');
    return bench.t.core.codes.create({
      profile,
      assetId,
      purpose: 'acme-eab',
      actor: 'admin',
      showable: true,
      singleUse,
    });
  }

  it('When EAB is required, Then the directory says so and a registration without it is externalAccountRequired', async () => {
    const dir = await request(bench.app).get(`/acme/${bench.profile}/directory`);
    expect(dir.body.meta.externalAccountRequired).toBe(true);
    const res = await bench.client().register({ termsOfServiceAgreed: true });
    expect(res.body.type).toBe(err('externalAccountRequired'));
  });

  it.each(['HS256', 'HS384', 'HS512'])(
    'When the binding is a valid %s MAC, Then the account is created and a single-use code is used up',
    async (alg) => {
      const { code: c, secret } = await code();
      const client = bench.client();
      const url = bench.url('/new-acct');
      const res = await client.register({
        termsOfServiceAgreed: true,
        externalAccountBinding: eab(client, url, c.id, secret, alg),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect((await bench.t.core.store.codes.get(c.id))?.status).toBe('used');
      const second = bench.client();
      const again = await second.register({ externalAccountBinding: eab(second, url, c.id, secret, alg) });
      expect(again.body.type).toBe(err('unauthorized'));
    },
  );

  it('When the MAC is wrong, Then unauthorized, the failure counts, and the code locks at maxAttempts', async () => {
    const { code: c, secret } = await code(false);
    const url = bench.url('/new-acct');
    for (let i = 0; i < 3; i++) {
      const client = bench.client();
      const res = await client.register({
        externalAccountBinding: eab(client, url, c.id, Buffer.alloc(24, i).toString('base64url')),
      });
      expect(res.body.type).toBe(err('unauthorized'));
    }
    expect((await bench.t.core.store.codes.get(c.id))?.status).toBe('locked');
    const client = bench.client();
    const locked = await client.register({ externalAccountBinding: eab(client, url, c.id, secret) });
    expect(locked.body.type).toBe(err('unauthorized'));
    expect(locked.body.detail).toContain('locked');
  });

  it('When the binding is over another key, names no known code, or is malformed, Then it is refused', async () => {
    const { code: c, secret } = await code(false);
    const url = bench.url('/new-acct');
    const client = bench.client();
    const otherKey = bench.client().key.jwk;
    expect(
      (await client.register({ externalAccountBinding: eab(client, url, c.id, secret, 'HS256', otherKey) }))
        .body.type,
    ).toBe(err('malformed'));
    expect(
      (
        await client.register({
          externalAccountBinding: eab(client, url, '00000000-0000-0000-0000-000000000000', secret),
        })
      ).body.type,
    ).toBe(err('unauthorized'));
    expect(
      (await client.register({ externalAccountBinding: eab(client, url, c.id, secret, 'RS256') })).body.type,
    ).toBe(err('badSignatureAlgorithm'));
    expect(
      (await client.register({ externalAccountBinding: eab(client, bench.url('/new-order'), c.id, secret) }))
        .body.type,
    ).toBe(err('malformed'));
    expect((await client.register({ externalAccountBinding: 'x' })).body.type).toBe(err('malformed'));
    expect(
      (await client.register({ externalAccountBinding: { protected: 'e30', payload: 1, signature: '' } }))
        .body.type,
    ).toBe(err('malformed'));
    expect((await bench.t.core.store.codes.get(c.id))?.failedAttempts).toBe(0);
    const ok = await client.register({ externalAccountBinding: eab(client, url, c.id, secret) });
    expect(ok.status).toBe(201);
  });

  it('When the EAB code is bound to an asset, Then the certificates the account orders are recorded under that asset', async () => {
    const core = bench.t.core;
    const asset = await createAsset(
      { store: core.store, clock: core.clock },
      { name: `web-${dialect}`, dnsNames: ['asset.example'], actor: 'admin' },
    );
    const { code: c, secret } = await code(true, asset.id);
    const client = bench.client();
    const url = bench.url('/new-acct');
    const reg = await client.register({
      termsOfServiceAgreed: true,
      externalAccountBinding: eab(client, url, c.id, secret),
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const csr = makeCsr({ subject: 'CN=asset.example', dnsNames: ['asset.example'] });
    const fin = await client.issue(['asset.example'], csr.der);
    expect(fin.body.status, JSON.stringify(fin.body)).toBe('valid');
    const listed = await core.store.search.certificates({ assetId: asset.id, order: 'desc', limit: 20 });
    expect(listed.items.map((x) => x.dnsNames)).toEqual([['asset.example']]);
    // The certificate URL ends with the order id, the enrolment request's external reference.
    const orderId = String(fin.body.certificate).split('/').pop() as string;
    expect((await core.store.requests.findByExternalRef('acme', orderId))?.assetId).toBe(asset.id);

    // An account bound with a code that has no asset, and one without EAB at all, stay unlinked.
    const { code: plain, secret: plainSecret } = await code(true);
    const other = bench.client();
    await other.register({
      termsOfServiceAgreed: true,
      externalAccountBinding: eab(other, url, plain.id, plainSecret),
    });
    const fin2 = await other.issue(
      ['plain.example'],
      makeCsr({ subject: 'CN=plain.example', dnsNames: ['plain.example'] }).der,
    );
    expect(fin2.body.status).toBe('valid');
    expect((await core.store.search.certificates({ assetId: asset.id, limit: 20 })).items).toHaveLength(1);
  });
});
