/** The admin face's names (P10 and P12 subject and dnsNames edits) refuse control characters before policy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { adminHarness, type AdminHarness } from './harness.js';

describe.each(dialects)('admin enrolment names with control characters (%s)', (dialect) => {
  let h: AdminHarness;
  let profile: string;
  beforeAll(async () => {
    h = await adminHarness(dialect);
    profile = (await h.profile()).name;
  });
  afterAll(() => h.cleanup());

  const p10 = (body: Record<string, unknown>) =>
    h.api
      .post('/api/v1/enrollments/p10')
      .set(h.as('alice'))
      .send({ profile, csr: makeCsr({ dnsNames: ['web.example.net'] }).pem, ...body });

  it('When a P10 subject edit holds U+0001, Then 400 invalid_name with the field and position, and no request', async () => {
    const res = await p10({ subject: 'CN=web.example.net\u0001.evil' }).expect(400);
    expect(res.body).toEqual({
      code: 'invalid_name',
      message: 'subject CN contains a control character (U+0001) at position 16',
      details: { field: 'subject CN', position: 16, codePoint: 'U+0001' },
    });
    const listed = await h.api.get('/api/v1/requests').set(h.as('root')).expect(200);
    expect(listed.body.items).toHaveLength(0);
  });

  it('When a P10 subject edit holds U+0000, Then the input guard refuses it before the core, and no request', async () => {
    const res = await p10({ subject: 'CN=web.example.net\u0000.evil' }).expect(400);
    expect(res.body.code).toBe('nul_character');
    const listed = await h.api.get('/api/v1/requests').set(h.as('root')).expect(200);
    expect(listed.body.items).toHaveLength(0);
  });

  it('When a P10 dnsNames edit holds a C1 control, Then 400 invalid_name naming the entry', async () => {
    const res = await p10({ dnsNames: ['web.example.net', 'a\u0085.example.net'] }).expect(400);
    expect(res.body).toMatchObject({
      code: 'invalid_name',
      details: { field: 'dnsNames[1]', position: 2, codePoint: 'U+0085' },
    });
  });

  it('When a P12 subject holds a bidirectional override, Then 400 invalid_name', async () => {
    const res = await h.api
      .post('/api/v1/enrollments/p12')
      .set(h.as('alice'))
      .send({ profile, subject: 'CN=web.example.net, O=\u202Eevil', dnsNames: ['web.example.net'] })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'invalid_name', details: { field: 'subject O', position: 1 } });
  });
});
