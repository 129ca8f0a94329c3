/**
 * No malformed input produces a 500: every POST resource gets well-signed JWSs whose payloads have
 * the wrong shapes (null, numbers, arrays, strings where objects go, deep nesting, huge strings),
 * and every answer must be a problem document below 500 or a success.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { acmeBench, type Bench, type Client } from './harness.js';

const shapes: unknown[] = [
  {},
  { identifiers: null },
  { identifiers: [null] },
  { identifiers: [{ type: 'dns', value: 5 }] },
  { identifiers: [{ type: 'dns', value: 'x'.repeat(5000) }] },
  { identifiers: [{ type: 'ip', value: '::ffff:1.2.3.4%eth0' }] },
  { identifiers: Array.from({ length: 200 }, (_, i) => ({ type: 'dns', value: `n${i}.example` })) },
  { identifier: 'x' },
  { csr: 5 },
  { csr: '' },
  { csr: 'A'.repeat(100_000) },
  { certificate: null },
  { certificate: 'AAAA', reason: null },
  { status: 5 },
  { status: 'deactivated', contact: 'x' },
  { contact: [null] },
  { protected: 'e30', payload: 'e30', signature: 'AA' },
  { protected: '!!', payload: '', signature: '' },
  { externalAccountBinding: { protected: '!!', payload: '!!', signature: '!!' } },
  { externalAccountBinding: { protected: 'W10', payload: 'W10', signature: '' } },
  { notBefore: 5, identifiers: [{ type: 'dns', value: 'a.example' }] },
  { replaces: 5, identifiers: [{ type: 'dns', value: 'a.example' }] },
  { replaces: 'a.b', identifiers: [{ type: 'dns', value: 'a.example' }] },
  { onlyReturnExisting: 'x' },
  // U+0000: PostgreSQL's text and jsonb cannot hold it.
  { contact: ['mailto:nul\u0000@example.com'], termsOfServiceAgreed: true },
  { identifiers: [{ type: 'dns', value: 'nul\u0000.example' }] },
  { status: 'deactivated\u0000' },
  { 'key\u0000': 'value' },
  { termsOfServiceAgreed: {} },
  JSON.parse('{"__proto__": {"polluted": true}, "identifiers": []}'),
];

describe.each(dialects)('ACME never answers 500 to malformed input (%s)', (dialect) => {
  let bench: Bench;
  let c: Client;
  let urls: string[];
  beforeAll(async () => {
    bench = await acmeBench(dialect);
    c = bench.client();
    await c.register();
    const order = await c.order(['shape.example']);
    await c.authorize(order.body);
    const fin = await c.post(order.body.finalize, {
      csr: Buffer.from(makeCsr({ subject: 'CN=shape.example', dnsNames: ['shape.example'] }).der).toString(
        'base64url',
      ),
    });
    const authz = (await c.post(order.body.authorizations[0], '')).body;
    urls = [
      bench.url('/new-acct'),
      bench.url('/new-order'),
      bench.url('/new-authz'),
      bench.url('/revoke-cert'),
      bench.url('/key-change'),
      c.kid as string,
      `${c.kid}/orders`,
      order.headers.location as string,
      order.body.finalize,
      order.body.authorizations[0],
      authz.challenges[0].url,
      fin.body.certificate,
      bench.url('/acct/../../x'),
      bench.url('/order/%00'),
      bench.url('/chall/x/y'),
    ];
  });
  afterAll(() => bench.cleanup());

  it('answers every shape on every resource with a problem below 500 or a success', async () => {
    const failures: string[] = [];
    for (const url of urls) {
      for (const payload of [...shapes, '']) {
        for (const opts of [{}, { kid: null }]) {
          const res = await c.post(url, payload, opts);
          const problemType = String(res.body?.type ?? '');
          if (
            res.status >= 500 ||
            (res.status >= 400 && !problemType.startsWith('urn:ietf:params:acme:error:'))
          ) {
            failures.push(
              `${res.status} ${url} ${JSON.stringify(payload).slice(0, 80)} ${JSON.stringify(res.body).slice(0, 160)}`,
            );
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // About a thousand signed requests: minutes on a loaded machine, not the default 30 s.
  }, 180_000);
});
