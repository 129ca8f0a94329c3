/**
 * A P10 whose certificate the CA signs but the store refuses to record: PostgreSQL's text type cannot
 * hold U+0000, so an external reference carrying one fails at the record step, after signing (names
 * and subjects with control characters are refused before policy, so they never get that far). The client gets a
 * typed invalid_input, and nothing is left half-done: no request, no certificate, no audit event, no
 * outbox row, an intact chain. (SQLite stores the text, so the case exists on PostgreSQL only; the
 * admin API refuses U+0000 before the core on both dialects, test/integration/http/no-500.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../../src/core/errors.js';
import { testCore, type TestCore } from '../../helpers/core.js';
import { makeCsr } from '../../helpers/pki.js';

describe('issuance the store cannot record (postgres)', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await testCore('postgres');
  });
  afterAll(() => t.cleanup());

  const count = async (table: string) =>
    Number(((await t.store.knex(table).count({ n: '*' })) as { n: number | string }[])[0]?.n);

  it('When the record after signing fails on U+0000, Then the client gets invalid_input and nothing is written', async () => {
    const profile = await t.profile();
    const before = {
      requests: await count('enrollment_requests'),
      certificates: await count('certificates'),
      audit: await count('audit_events'),
      outbox: await count('outbox_events'),
    };
    const submitted = t.core.submit({
      protocol: 'p10',
      profile: profile.name,
      requester: 'alice',
      csr: makeCsr({ dnsNames: ['nul.example.com'] }).der,
      externalRef: 'ticket\u0000-42',
    });
    await expect(submitted).rejects.toBeInstanceOf(CoreError);
    await expect(submitted).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/NUL/),
    });
    expect({
      requests: await count('enrollment_requests'),
      certificates: await count('certificates'),
      audit: await count('audit_events'),
      outbox: await count('outbox_events'),
    }).toEqual(before);
    expect(await t.core.verifyAuditChain()).toMatchObject({ ok: true });
  });
});
