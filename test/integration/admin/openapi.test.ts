import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressPath } from '../../../src/admin/api/route-table.js';
import { adminApi } from '../../../src/admin/api/routes.js';
import { adminHarness, urls, type AdminHarness } from './harness.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

describe('the OpenAPI document', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await adminHarness('sqlite');
  });
  afterAll(() => h.cleanup());

  it('When fetched without a token, Then it is a valid OpenAPI 3.1 document', async () => {
    const res = await h.api.get('/api/v1/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeTruthy();
  });

  it('When the app router is walked, Then every route it serves is in the document and vice versa', async () => {
    const doc = (await h.api.get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const router = adminApi(h.core, { bodyLimit: '1mb', urls }) as unknown as { stack: Layer[] };
    const served = router.stack
      .filter((l) => l.route)
      .flatMap((l) => Object.keys(l.route?.methods ?? {}).map((m) => `${m} ${l.route?.path}`))
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${expressPath(path)}`))
      .sort();
    expect(served.length).toBeGreaterThan(40);
    expect(documented).toEqual(served);
  });

  it('When a body is invalid, Then the answer is invalid_input naming the field, from the same schema', async () => {
    const res = await h.api.post('/api/v1/assets').set(h.as('root')).send({ name: 7 }).expect(400);
    expect(res.body).toMatchObject({ code: 'invalid_input', details: { issues: [{ path: 'body.name' }] } });
    expect(res.body.message).toMatch(/^body\.name/);
  });

  it('When the document is read, Then it lists the 409 of a reminder nobody can send, the 415 of bodies, readable 403s and the server-level answers', async () => {
    const doc = (await h.api.get('/api/v1/openapi.json')).body as {
      info: { description: string };
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const resend = doc.paths['/requests/{id}/resend-approval-notification']?.post;
    expect(Object.keys(resend?.responses ?? {})).toEqual(expect.arrayContaining(['202', '409']));
    expect(doc.paths['/assets']?.post?.responses['415']?.description).toMatch(/UTF-8/);
    expect(doc.paths['/assets']?.get?.responses['415']).toBeUndefined();
    expect(doc.paths['/requests/{id}/approve']?.post?.responses['403']?.description).toMatch(
      /decide requests/,
    );
    for (const code of ['method_not_allowed', 'header_too_large', 'request_timeout', 'nul_character']) {
      expect(doc.info.description).toContain(code);
    }
    expect(doc.info.description).toMatch(/405 with Allow/);
  });
});
