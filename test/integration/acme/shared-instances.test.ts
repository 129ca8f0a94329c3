/**
 * Two gateway instances on one database with the same master key: a nonce issued by one is
 * redeemed by the other exactly once, and state written through one is read through the other.
 * Each instance keeps account snapshots (AccountCache) to verify signatures; the account's state is
 * read with the nonce on every request, so a change made through one instance binds the other at
 * its very next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { approveAccount } from '../../../protocols/acme/account-approval.js';
import { defaultAcmeSettings } from '../../../src/core/profiles/profile.js';
import { accountKey, acmeBench, Client, signJws, type Bench } from './harness.js';

describe.each(dialects)('ACME on two instances sharing one database (%s)', (dialect) => {
  let a: Bench;
  let b: Bench;
  beforeAll(async () => {
    a = await acmeBench(dialect);
    b = await acmeBench(dialect, {}, {}, { t: a.t, nonceKey: a.nonceKey, profile: a.profile });
  });
  afterAll(async () => {
    await b.face.deps.validator.idle();
    await a.cleanup();
  });

  it('When instance A issues a nonce, Then B redeems it once and refuses its replay on either instance', async () => {
    const client = a.client();
    const nonce = await a.nonce();
    const onB = new Client(b, client.key);
    const reg = await onB.post(b.url('/new-acct'), { termsOfServiceAgreed: true }, { kid: null, nonce });
    expect(reg.status).toBe(201);
    onB.kid = reg.headers.location as string;
    const replayB = await onB.post(
      b.url('/new-order'),
      { identifiers: [{ type: 'dns', value: 'x.example' }] },
      { nonce },
    );
    expect(replayB.body.type).toBe('urn:ietf:params:acme:error:badNonce');
    client.kid = onB.kid;
    const replayA = await client.post(
      a.url('/new-order'),
      { identifiers: [{ type: 'dns', value: 'x.example' }] },
      { nonce },
    );
    expect(replayA.body.type).toBe('urn:ietf:params:acme:error:badNonce');
  });

  it('When a nonce comes from an instance with another key, Then it is refused', async () => {
    const stranger = await acmeBench(
      dialect,
      {},
      {},
      { t: a.t, nonceKey: Buffer.alloc(32, 7), profile: a.profile },
    );
    const nonce = await stranger.nonce();
    const res = await a.client().post(a.url('/new-acct'), {}, { kid: null, nonce });
    expect(res.body.type).toBe('urn:ietf:params:acme:error:badNonce');
  });

  it('When a client alternates between instances, Then the whole flow completes', async () => {
    const onA = a.client();
    await onA.register();
    const onB = new Client(b, onA.key);
    onB.kid = onA.kid;
    const order = await onA.order(['both.example']);
    const authz = (await onB.post(order.body.authorizations[0], '')).body;
    const ch = authz.challenges[0];
    a.http01.set(ch.token, `${ch.token}.${(await import('./harness.js')).thumbprintOf(onA.key.jwk)}`);
    b.http01 = a.http01;
    await onB.post(ch.url, {});
    await b.face.deps.validator.idle();
    expect((await onA.post(order.headers.location as string, '')).body.status).toBe('ready');
    const fin = await onB.post(order.body.finalize, {
      csr: Buffer.from(makeCsr({ subject: 'CN=both.example', dnsNames: ['both.example'] }).der).toString(
        'base64url',
      ),
    });
    expect(fin.body.status).toBe('valid');
    expect((await onA.post(fin.body.certificate, '')).status).toBe(200);
  });

  /** A client registered through A whose account B has already seen (B holds a snapshot of it). */
  async function knownToBoth(): Promise<{ onA: Client; onB: Client }> {
    const onA = a.client();
    await onA.register();
    const onB = new Client(b, onA.key);
    onB.kid = onA.kid;
    expect((await onB.post(onB.kid as string, '')).status).toBe(200);
    expect(b.face.deps.accounts.peek((onB.kid as string).split('/').pop() as string)).toBeDefined();
    return { onA, onB };
  }

  it('When an account is deactivated through A, Then B refuses its very next request although it holds a snapshot', async () => {
    const { onA, onB } = await knownToBoth();
    expect((await onA.post(onA.kid as string, { status: 'deactivated' })).body.status).toBe('deactivated');
    const res = await onB.order(['gone.example']);
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('urn:ietf:params:acme:error:unauthorized');
    expect(res.body.detail).toContain('deactivated');
  });

  async function rollOver(onA: Client) {
    const newKey = accountKey();
    const url = a.url('/key-change');
    const inner = signJws(newKey, { jwk: newKey.jwk, url }, { account: onA.kid, oldKey: onA.key.jwk });
    expect((await onA.post(url, inner)).status).toBe(200);
    return newKey;
  }

  it('When the key is rolled over through A, Then B refuses the old key at once although its snapshot has it', async () => {
    const { onA, onB } = await knownToBoth();
    await rollOver(onA);
    const old = await onB.order(['old-key.example']);
    expect(old.status).toBe(400);
    expect(old.body.type).toBe('urn:ietf:params:acme:error:malformed');
  });

  it('When the key is rolled over through A, Then B accepts the new key although its snapshot has the old one', async () => {
    const { onA, onB } = await knownToBoth();
    onB.key = await rollOver(onA);
    const ok = await onB.order(['new-key.example']);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('When a new account awaits approval and is approved, Then both instances let it order at its next request', async () => {
    const settings = { acme: { ...defaultAcmeSettings(), accountApprovalRequired: true } };
    const gated = await acmeBench(dialect, settings);
    const other = await acmeBench(
      dialect,
      {},
      {},
      { t: gated.t, nonceKey: gated.nonceKey, profile: gated.profile },
    );
    try {
      const onA = gated.client();
      await onA.register();
      const onB = new Client(other, onA.key);
      onB.kid = onA.kid;
      expect((await onB.order(['wait.example'])).body.type).toBe('urn:ietf:params:acme:error:unauthorized');
      const id = (onA.kid as string).split('/').pop() as string;
      await approveAccount(gated.t.core, gated.face.deps.store, id, 'admin');
      expect((await onB.order(['wait.example'])).status).toBe(201);
      expect((await onA.order(['wait.example'])).status).toBe(201);
    } finally {
      await other.face.deps.validator.idle();
      await gated.cleanup();
    }
  });
});
