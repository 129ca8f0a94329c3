/**
 * RFC 9110 §15.5.6: a method the resource does not support is 405 with Allow, not 404. RFC 8259 §8.1
 * and RFC 8555 §6.2: JSON and JWS bodies are UTF-8; a body declaring another charset is 415.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeBench, type Bench } from '../acme/harness.js';
import { wholeApp, type WholeApp } from './whole-app.js';

describe('methods and charsets on the assembled app', () => {
  let w: WholeApp;
  beforeAll(async () => {
    w = await wholeApp('sqlite');
  });
  afterAll(() => w.stop());

  it.each([
    ['put', '/api/v1/profiles', 'GET, HEAD, POST'],
    ['delete', '/api/v1/profiles', 'GET, HEAD, POST'],
    ['delete', '/api/v1/profiles/some-id', 'GET, HEAD, PATCH'],
    ['put', '/api/v1/requests/bulk-decision', 'POST'],
    ['get', '/api/v1/requests/some-id/approve', 'POST'],
    ['patch', '/api/v1/certificates/export', 'GET, HEAD'],
  ] as const)(
    'When %s %s is not in the route table, Then it is 405 with Allow: %s and a JSON error',
    async (method, path, allow) => {
      const res = await w.https[method](path).set(w.admin);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.body).toMatchObject({ code: 'method_not_allowed', message: expect.stringContaining(allow) });
    },
  );

  it('When OPTIONS asks about a collection, Then it lists the methods; an unknown path stays 404', async () => {
    const options = await w.https.options('/api/v1/assets').expect(204);
    expect(options.headers.allow).toBe('GET, HEAD, POST');
    const missing = await w.https.put('/api/v1/nothing-here').set(w.admin).expect(404);
    expect(missing.body.code).toBe('route_not_found');
  });

  it('When an ACME resource is called with a method it does not take, Then it is a 405 problem with Allow', async () => {
    for (const [method, path, allow] of [
      ['put', '/acme/directory', 'GET'],
      ['delete', '/acme/default/directory', 'GET'],
      ['put', '/acme/default/new-order', 'POST'],
    ] as const) {
      const res = await w.https[method](path);
      expect(res.status, path).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.text)).toMatchObject({
        type: 'urn:ietf:params:acme:error:malformed',
        status: 405,
      });
    }
  });

  it.each(['utf-16', 'UTF-16LE', 'iso-8859-1', '"latin1"'])(
    'When an admin API body declares charset=%s, Then it is 415 and nothing is created',
    async (charset) => {
      const res = await w.https
        .post('/api/v1/assets')
        .set(w.admin)
        .set('Content-Type', `application/json; charset=${charset}`)
        .send('{"name":"printer"}');
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({
        code: 'unsupported_media_type',
        message: expect.stringMatching(/UTF-8/),
      });
      expect((await w.https.get('/api/v1/assets').set(w.admin)).body.items).toEqual([]);
    },
  );

  it.each(['utf-8', 'UTF-8', '"Utf-8"'])(
    'When an admin API body declares charset=%s, Then it is accepted',
    async (charset) => {
      await w.https
        .post('/api/v1/assets')
        .set(w.admin)
        .set('Content-Type', `application/json; charset=${charset}`)
        .send(JSON.stringify({ name: `printer-${charset.replace(/\W/g, '')}` }))
        .expect(201);
    },
  );
});

describe('charsets of ACME JWS bodies', () => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await acmeBench('sqlite');
  });
  afterAll(() => bench.cleanup());

  it('When a JWS declares a charset other than UTF-8, Then it is a 415 problem; charset=UTF-8 registers', async () => {
    const c = bench.client();
    const refused = await c.post(
      bench.url('/new-acct'),
      { termsOfServiceAgreed: true },
      {
        kid: null,
        contentType: 'application/jose+json; charset=iso-8859-1',
      },
    );
    expect(refused.status).toBe(415);
    expect(refused.body).toMatchObject({ type: 'urn:ietf:params:acme:error:malformed', status: 415 });
    const accepted = await c.post(
      bench.url('/new-acct'),
      { termsOfServiceAgreed: true },
      {
        kid: null,
        contentType: 'application/jose+json; Charset=UTF-8',
      },
    );
    expect(accepted.status).toBe(201);
  });
});
