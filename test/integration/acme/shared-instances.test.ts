/**
 * Two gateway instances on one database with the same master key: a nonce issued by one is
 * redeemed by the other exactly once, and state written through one is read through the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { acmeBench, Client, type Bench } from './harness.js';

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
});
