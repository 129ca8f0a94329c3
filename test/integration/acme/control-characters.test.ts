/**
 * ACME names with control characters: an identifier is refused at newOrder with its position, and a
 * finalize CSR whose subject carries one is refused by the core before policy (badCSR, order invalid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { acmeBench, type Bench, type Client } from './harness.js';

const err = (type: string) => `urn:ietf:params:acme:error:${type}`;

describe.each(dialects)('ACME names with control characters (%s)', (dialect) => {
  let bench: Bench;
  let c: Client;
  beforeAll(async () => {
    bench = await acmeBench(dialect, {
      domainPolicy: { allowedSuffixes: ['example.com'], allowWildcards: false, allowIpAddresses: false },
    });
    c = bench.client();
    await c.register();
  });
  afterAll(() => bench.cleanup());

  // U+0000 itself never reaches newOrder: the payload guard answers malformed (no-500.test.ts).
  it('When an identifier holds a control character, Then rejectedIdentifier naming its position, not the character', async () => {
    const res = await c.post(bench.url('/new-order'), {
      identifiers: [{ type: 'dns', value: 'www.bank.example\u001b.example.com' }],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      type: err('rejectedIdentifier'),
      detail: 'The identifier contains a control character (U+001B) at position 17',
    });
  });

  it('When the finalize CSR subject carries a bidirectional override, Then badCSR and the order is invalid', async () => {
    const csr = makeCsr({ subject: 'CN=host.example.com, O=\u202Emoc.knab', dnsNames: ['host.example.com'] });
    const order = await c.order(['host.example.com']);
    await c.authorize(order.body);
    const res = await c.post(order.body.finalize, { csr: Buffer.from(csr.der).toString('base64url') });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      type: err('badCSR'),
      detail: 'The CSR subject O contains a bidirectional control character (U+202E) at position 1',
    });
    const after = await c.post(order.headers.location as string, '');
    expect(after.body.status).toBe('invalid');
    expect(after.body.certificate).toBeUndefined();
  });
});
