/**
 * Migration 20261201c on both dialects, over rows written by the schema before it: an order's
 * expiry and certificate serial become columns, the PEM copy in a valid order's document goes (the
 * certificates table keeps the certificate), and the listener certificates of earlier starts are
 * marked as the gateway's own. Down restores what the earlier schema reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationTableName } from '../../../src/store/migrate.js';
import { migrationSource } from '../../../src/store/migrations/index.js';
import { dialects, testStore, type TestStore } from '../../helpers/db.js';

const target = '20261201c-retention-and-own-cert';
const migrator = { migrationSource, tableName: migrationTableName };

describe.each(dialects)('migration %s (%s)', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await testStore(dialect, { migrate: false });
    const knex = t.store.knex;
    for (;;) {
      const [, pending] = (await knex.migrate.list(migrator)) as [unknown[], string[]];
      if (pending[0] === target) break;
      await knex.migrate.up(migrator);
    }
  });
  afterAll(() => t.cleanup());

  const at = new Date('2026-03-01T10:20:30.456Z');
  const certificate = (serial: string, subject: string) => ({
    serial_number: serial,
    request_id: null,
    profile_id: null,
    asset_id: null,
    subject,
    dns_names: '[]',
    ip_addresses: '[]',
    not_before: at,
    not_after: at,
    pem: `-----BEGIN CERTIFICATE-----\n${serial}\n-----END CERTIFICATE-----\n`,
    status: 'valid',
    revoked_at: null,
    revocation_reason: null,
    created_at: at,
  });
  const order = (id: string, status: string, extra: Record<string, unknown>) => ({
    id,
    account_id: 'acct',
    status,
    replaces: null,
    data: JSON.stringify({
      profileId: 'p',
      identifiers: [{ type: 'dns', value: 'a.example' }],
      authorizationIds: ['z1'],
      notBefore: null,
      notAfter: null,
      error: null,
      expiresAt: at.toISOString(),
      certificateSerial: null,
      ...extra,
    }),
    created_at: at,
    updated_at: at,
  });

  it('When it runs over earlier rows, Then expiry and serial are columns, the PEM copy is gone and old listener certificates are marked; down restores the documents', async () => {
    const knex = t.store.knex;
    await knex('certificates').insert([certificate('0a', 'CN=a.example'), certificate('0b', 'CN=localhost')]);
    await knex('audit_events').insert({
      seq: 1,
      at,
      actor: 'system',
      action: 'certificate.issued',
      target_type: 'certificate',
      target_id: '0b',
      data: JSON.stringify({ purpose: 'https-listener', names: ['localhost'] }),
      prev_hash: '0',
      hash: '1',
    });
    await knex('acme_orders').insert([
      order('valid', 'valid', { certificateSerial: '0a', certificatePem: certificate('0a', '').pem }),
      order('orphan', 'valid', { certificateSerial: '0f', certificatePem: 'only copy' }),
      order('pending', 'pending', {}),
    ]);

    await knex.migrate.up(migrator);
    const rows = (await knex('acme_orders').orderBy('id')) as {
      id: string;
      expires_at: Date | number;
      certificate_serial: string | null;
      data: string;
    }[];
    expect(rows.map((r) => [r.id, new Date(r.expires_at).toISOString(), r.certificate_serial])).toEqual([
      ['orphan', at.toISOString(), '0f'],
      ['pending', at.toISOString(), null],
      ['valid', at.toISOString(), '0a'],
    ]);
    const docs = Object.fromEntries(rows.map((r) => [r.id, JSON.parse(r.data) as Record<string, unknown>]));
    expect(docs.valid).not.toHaveProperty('certificatePem');
    expect(docs.valid).not.toHaveProperty('expiresAt');
    // A certificate the certificates table does not hold keeps its only copy.
    expect(docs.orphan?.certificatePem).toBe('only copy');
    expect(docs.pending?.authorizationIds).toEqual(['z1']);
    const purposes = await knex('certificates').select('serial_number', 'purpose').orderBy('serial_number');
    expect(purposes).toEqual([
      { serial_number: '0a', purpose: 'enrollment' },
      { serial_number: '0b', purpose: 'gateway-tls' },
    ]);

    await knex.migrate.down(migrator);
    const restored = (await knex('acme_orders').where({ id: 'valid' }).first()) as { data: string };
    expect(JSON.parse(restored.data)).toMatchObject({ expiresAt: at.toISOString(), certificateSerial: '0a' });
    await knex.migrate.up(migrator);
  });
});
