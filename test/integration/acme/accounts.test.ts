/** RFC 8555 §7.3: newAccount, onlyReturnExisting, contact, terms, update, deactivation, orders list. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { acmeBench, type Bench } from './harness.js';

describe.each(dialects)('ACME accounts (%s)', (dialect) => {
  let bench: Bench;
  let tos: Bench;
  beforeAll(async () => {
    bench = await acmeBench(dialect);
    tos = await acmeBench(dialect, {}, { termsOfService: 'https://example.test/tos' });
  });
  afterAll(async () => {
    await bench.cleanup();
    await tos.cleanup();
  });

  it('When a key registers twice, Then the second answer is 200 with the same account URL', async () => {
    const c = bench.client();
    const first = await c.register();
    expect(first.status).toBe(201);
    const second = await c.register({});
    expect(second.status).toBe(200);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.body.status).toBe('valid');
  });

  it('When onlyReturnExisting names an unknown key, Then accountDoesNotExist and nothing is created', async () => {
    const c = bench.client();
    const res = await c.post(bench.url('/new-acct'), { onlyReturnExisting: true }, { kid: null });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('urn:ietf:params:acme:error:accountDoesNotExist');
    expect((await c.register()).status).toBe(201);
    const again = await c.post(bench.url('/new-acct'), { onlyReturnExisting: true }, { kid: null });
    expect(again.status).toBe(200);
    expect(again.headers.location).toBe(c.kid);
  });

  it.each([
    ['unsupportedContact', ['tel:+123456']],
    ['unsupportedContact', ['https://example.test']],
    ['invalidContact', ['mailto:not-an-address']],
    ['invalidContact', ['mailto:a@example.com,b@example.com']],
    ['invalidContact', ['mailto:a@example.com?subject=x']],
    ['invalidContact', Array.from({ length: 11 }, (_, i) => `mailto:a${i}@example.com`)],
    ['malformed', 'mailto:a@example.com'],
    ['malformed', [1]],
  ])('When the contact is bad, Then %s', async (type, contact) => {
    const res = await bench.client().register({ contact });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(`urn:ietf:params:acme:error:${type}`);
  });

  it('When the directory has terms and the client did not agree, Then userActionRequired linking the terms', async () => {
    const dir = await tos.client().post(tos.url('/new-acct'), {}, { kid: null });
    expect(dir.status).toBe(403);
    expect(dir.body.type).toBe('urn:ietf:params:acme:error:userActionRequired');
    expect(dir.headers.link).toContain('<https://example.test/tos>;rel="terms-of-service"');
    expect((await tos.client().register({ termsOfServiceAgreed: true })).status).toBe(201);
  });

  it('When termsOfServiceAgreed or onlyReturnExisting is not a boolean, Then malformed', async () => {
    expect((await bench.client().register({ termsOfServiceAgreed: 'yes' })).body.type).toContain('malformed');
    expect((await bench.client().register({ onlyReturnExisting: 'yes' })).body.type).toContain('malformed');
  });

  it('When the account is read and updated, Then POST-as-GET returns it and the contact changes', async () => {
    const c = bench.client();
    await c.register({ contact: ['mailto:a@example.com'] });
    const read = await c.post(c.kid as string, '');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      status: 'valid',
      contact: ['mailto:a@example.com'],
      orders: `${c.kid}/orders`,
    });
    const upd = await c.post(c.kid as string, { contact: ['mailto:b@example.com'] });
    expect(upd.body.contact).toEqual(['mailto:b@example.com']);
  });

  it('When a client restates the whole account object (as acme-python does), Then 200 and nothing it did not change changes', async () => {
    const c = bench.client();
    await c.register({ termsOfServiceAgreed: true, contact: ['mailto:a@example.com'] });
    const read = await c.post(c.kid as string, '');
    const restated = {
      ...read.body,
      key: c.key.jwk,
      termsOfServiceAgreed: true,
      onlyReturnExisting: false,
    };
    const res = await c.post(c.kid as string, restated);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual(read.body);
    expect((await c.order(['restated.example'])).status).toBe(201);
  });

  it('When an update names fields §7.3.2 says to ignore, Then they are ignored and the contact still changes', async () => {
    const c = bench.client();
    await c.register({ termsOfServiceAgreed: true, contact: ['mailto:a@example.com'] });
    const before = (await c.post(c.kid as string, '')).body;
    const res = await c.post(c.kid as string, {
      status: 'valid',
      contact: ['mailto:b@example.com'],
      orders: 'https://evil.test/orders',
      createdAt: '1999-01-01T00:00:00Z',
      termsOfServiceAgreed: false,
      key: bench.client().key.jwk,
      externalAccountBinding: { protected: 'e30', payload: 'e30', signature: 'AA' },
      somethingNew: { nested: true },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ ...before, contact: ['mailto:b@example.com'] });
    expect((await c.post(c.kid as string, '')).body).toEqual(res.body);
    expect((await c.order(['ignored.example'])).status).toBe(201);
  });

  it.each([['revoked'], ['pending'], ['invalid'], [5], [null]])(
    'When an update sets status %s, Then malformed and the account stays valid',
    async (status) => {
      const c = bench.client();
      await c.register();
      const res = await c.post(c.kid as string, { status });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:ietf:params:acme:error:malformed');
      expect((await c.post(c.kid as string, '')).body.status).toBe('valid');
    },
  );

  it('When an account posts to another account URL, Then unauthorized', async () => {
    const a = bench.client();
    const b = bench.client();
    await a.register();
    await b.register();
    const res = await a.post(b.kid as string, '', { url: b.kid as string });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('urn:ietf:params:acme:error:unauthorized');
  });

  it('When an account is deactivated, Then every later request with its key is unauthorized', async () => {
    const c = bench.client();
    await c.register();
    const read = await c.post(c.kid as string, '');
    const res = await c.post(c.kid as string, { ...read.body, status: 'deactivated' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('deactivated');
    const after = await c.order(['x.example']);
    expect(after.status).toBe(403);
    expect(after.body.type).toBe('urn:ietf:params:acme:error:unauthorized');
    const again = await c.register();
    expect(again.status).toBe(403);
  });

  it('When an account has more orders than a page, Then the orders list pages with Link rel="next"', async () => {
    const c = bench.client();
    await c.register();
    const urls: string[] = [];
    for (let i = 0; i < 5; i++) urls.push((await c.order([`o${i}.example`])).headers.location as string);
    const seen: string[] = [];
    let next: string | undefined = `${c.kid}/orders`;
    let pages = 0;
    while (next) {
      const page = await c.post(next, '');
      expect(page.status).toBe(200);
      seen.push(...(page.body.orders as string[]));
      pages++;
      next = /<([^>]+)>;rel="next"/.exec(String(page.headers.link))?.[1];
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(urls.sort());
    expect((await c.post(`${c.kid}/orders?cursor=%%%`, '')).status).toBe(400);
  });
});
