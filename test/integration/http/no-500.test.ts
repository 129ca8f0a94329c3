/**
 * Client input that no decoder can read or no store can hold, sent to every face of the assembled
 * app: malformed percent-encoding and %00 in paths, U+0000 in query values and JSON strings (keys
 * too). PostgreSQL refuses U+0000 in text, so on PostgreSQL these used to fail deep in the store
 * with a 500. Each face answers 400 in its own wire, and nothing is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'superagent';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { wholeApp, type WholeApp } from './whole-app.js';

describe.each(dialects)('no 500 for unreadable or unstorable input (%s)', (dialect) => {
  let w: WholeApp;
  beforeAll(async () => {
    w = await wholeApp(dialect);
  });
  afterAll(() => w.stop());

  const jsonError = (res: Response, code: string) => {
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ code, message: expect.any(String) });
  };

  it('When an admin API path or query is malformed or holds %00, Then the answer is a 400 JSON error', async () => {
    jsonError(await w.https.get('/api/v1/requests/%ff').set(w.admin), 'malformed_path');
    jsonError(await w.https.get('/api/v1/requests/%E0%A4%A').set(w.admin), 'malformed_path');
    jsonError(await w.https.get('/api/v1/profiles/a%00b').set(w.admin), 'nul_character');
    jsonError(await w.https.get('/api/v1/assets?q=a%00b').set(w.admin), 'nul_character');
  });

  it('When a JSON body holds U+0000 in a value or a key, Then it is refused naming the field and nothing is created', async () => {
    const named = await w.https.post('/api/v1/assets').set(w.admin).send({ name: 'printer\u0000-1' });
    jsonError(named, 'nul_character');
    expect(named.body.details).toEqual({ field: 'body.name' });
    const keyed = await w.https
      .post('/api/v1/assets')
      .set(w.admin)
      .send({ name: 'printer-2', attributes: { 'room\u0000': '12' } });
    jsonError(keyed, 'nul_character');
    expect((await w.https.get('/api/v1/assets').set(w.admin).expect(200)).body.items).toEqual([]);
  });

  it('When a P10 subject holds U+0000, Then it is refused before signing and no request is recorded', async () => {
    const csr = makeCsr({ subject: 'CN=p10.example', dnsNames: ['p10.example'] });
    const res = await w.https
      .post('/api/v1/enrollments/p10')
      .set(w.admin)
      .send({ profile: 'default', csr: csr.pem, subject: 'CN=p10\u0000.example' });
    jsonError(res, 'nul_character');
    expect((await w.https.get('/api/v1/requests').set(w.admin).expect(200)).body.items).toEqual([]);
    expect((await w.https.get('/api/v1/certificates').set(w.admin).expect(200)).body.items).toEqual([]);
  });

  it('When an ACME path is malformed or holds %00, Then the answer is a malformed problem document', async () => {
    for (const path of ['/acme/%ff/directory', '/acme/%00/directory', '/acme/default/order/%00']) {
      const res = await w.https.get(path);
      expect(res.status, `${path}: ${res.text}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.text)).toMatchObject({
        type: 'urn:ietf:params:acme:error:malformed',
        status: 400,
        detail: expect.stringMatching(/percent-encoded|NUL/),
      });
    }
  });

  it('When a SCEP path is malformed or holds %00, Then the answer is a plain-text 400', async () => {
    for (const path of ['/scep/%ff', '/scep/%00', '/scep/default/%ff/pkiclient.exe']) {
      const res = await w.http.get(`${path}?operation=GetCACaps`);
      expect(res.status, `${path}: ${res.text}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/percent-encoded|NUL/);
    }
  });
});
