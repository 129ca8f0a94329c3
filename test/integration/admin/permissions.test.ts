import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allows, permissions } from '../../../src/admin/api/permissions.js';
import { adminRouteTable } from '../../../src/admin/api/routes.js';
import { roles } from '../../../src/core/tokens/token.js';
import { adminHarness, urls, type AdminHarness } from './harness.js';

const userOf = { admin: 'root', operator: 'alice', approver: 'bob', auditor: 'dave' } as const;

describe('the permission matrix: every route × every role', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await adminHarness('sqlite');
  });
  afterAll(() => h.cleanup());

  const table = () => adminRouteTable(h.core, { bodyLimit: '1mb', urls });
  const concrete = (path: string) =>
    `/api/v1${path.replace('{id}', 'no-such-id').replace('{serial}', 'abcdef')}`;

  it('When each role calls each route, Then it is refused with forbidden exactly when the table says so', async () => {
    const rows: string[] = [];
    for (const spec of table()) {
      for (const role of roles) {
        const res = await h.api[spec.method](concrete(spec.path)).set(h.as(userOf[role])).send({});
        const refused = res.status === 403 && res.body.code === 'forbidden';
        const expected = spec.permission !== null && !allows(role, spec.permission);
        rows.push(`${spec.method} ${spec.path} ${role}: ${refused ? 'refused' : 'allowed'}`);
        expect(refused, `${spec.method} ${spec.path} as ${role} (${res.status} ${res.body.code})`).toBe(
          expected,
        );
        expect(res.status, `${spec.method} ${spec.path} as ${role}`).toBeLessThan(500);
      }
    }
    expect(rows.length).toBe(table().length * roles.length);
  });

  it('When no token or an unknown one is sent, Then every protected route answers 401 unauthorized', async () => {
    for (const spec of table().filter((s) => s.permission)) {
      const res = await h.api[spec.method](concrete(spec.path)).send({});
      expect(res.status, `${spec.method} ${spec.path}`).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      const wrong = await h.api[spec.method](concrete(spec.path)).set('Authorization', 'Bearer egw_nope');
      expect(wrong.body.code).toBe('unauthorized');
    }
  });

  it('When the permission table is read, Then every permission is used by a route and admin holds them all', () => {
    const used = new Set(table().map((s) => s.permission));
    for (const p of Object.keys(permissions)) {
      expect(used.has(p as keyof typeof permissions), p).toBe(true);
      expect(allows('admin', p as keyof typeof permissions)).toBe(true);
    }
  });
});
