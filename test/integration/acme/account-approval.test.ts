/** A profile that requires approval of new accounts: created at once, orders refused until approved. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveAccount } from '../../../protocols/acme/account-approval.js';
import { defaultAcmeSettings } from '../../../src/core/profiles/profile.js';
import { dialects } from '../../helpers/db.js';
import { acmeBench, type Bench } from './harness.js';

describe.each(dialects)('ACME account approval (%s)', (dialect) => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await acmeBench(dialect, { acme: { ...defaultAcmeSettings(), accountApprovalRequired: true } });
  });
  afterAll(() => bench.cleanup());

  it('When the account is new, Then orders and pre-authorizations are unauthorized with a clear detail; once approved they work', async () => {
    const c = bench.client();
    expect((await c.register()).status).toBe(201);
    const refused = await c.order(['wait.example']);
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('urn:ietf:params:acme:error:unauthorized');
    expect(refused.body.detail).toContain('awaits approval');
    expect(
      (await c.post(bench.url('/new-authz'), { identifier: { type: 'dns', value: 'wait.example' } })).status,
    ).toBe(403);
    const id = (c.kid as string).split('/').pop() as string;
    await approveAccount(bench.t.core, bench.face.deps.store, id, 'admin');
    expect((await c.order(['wait.example'])).status).toBe(201);
    const events = await bench.t.store.audit.list({ targetType: 'acme-account', targetId: id });
    expect(events.map((e) => e.action)).toEqual(['acme-account.approved']);
    await expect(approveAccount(bench.t.core, bench.face.deps.store, 'nope', 'admin')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
