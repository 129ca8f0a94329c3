/**
 * Retention of ACME state, through the face as a client sees it: orders a client abandoned, and
 * authorizations long expired, are deleted after retention.acmeOrderDays; a valid order keeps its
 * certificate (kept once, in the certificates table) and an order still in use is untouched. The
 * certificates and the audit log are never purged.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcmeRetention } from '../../../protocols/acme/retention.js';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { acmeBench, testOptions, type Bench, type Client } from './harness.js';

const DAY_MS = 86_400_000;

describe.each(dialects)('ACME retention (%s)', (dialect) => {
  let bench: Bench;
  let client: Client;
  beforeAll(async () => {
    bench = await acmeBench(dialect);
    client = bench.client();
    await client.register();
  });
  afterAll(() => bench.cleanup());

  const retention = () =>
    new AcmeRetention({
      store: bench.face.deps.store,
      clock: bench.t.clock,
      options: { orderDays: 30, orderLifetimeSeconds: testOptions.orderLifetimeSeconds },
    });
  const count = async (table: string) =>
    Number(((await bench.t.store.knex(table).count({ n: '*' })) as { n: number | string }[])[0]?.n);

  it('When an order is valid, Then its row links the certificate and holds no second copy of the PEM', async () => {
    const { der } = makeCsr({ subject: 'CN=once.example.com', dnsNames: ['once.example.com'] });
    const final = await client.issue(['once.example.com'], der);
    expect(final.body.status).toBe('valid');
    const orderId = (final.headers.location as string).split('/').pop();
    const row = (await bench.t.store.knex('acme_orders').where({ id: orderId }).first()) as {
      data: string;
      certificate_serial: string;
    };
    expect(row.data).not.toContain('BEGIN CERTIFICATE');
    const recorded = await bench.t.core.store.certificates.get(row.certificate_serial);
    const download = await client.post(final.body.certificate, '');
    expect(download.status).toBe(200);
    expect(download.text.startsWith(recorded?.pem.trim() ?? 'missing')).toBe(true);
  });

  it('When abandoned orders are past expiry and retention, Then the purge deletes them and their authorizations, and keeps the valid order, its certificate, the audit log and an order in use', async () => {
    const { der } = makeCsr({ subject: 'CN=kept.example.com', dnsNames: ['kept.example.com'] });
    const valid = await client.issue(['kept.example.com'], der);
    expect(valid.body.status).toBe('valid');
    // Abandoned: one never authorized (pending), one authorized but never finalized (ready).
    const pending = await client.order(['pending.example.com']);
    const ready = await client.order(['ready.example.com']);
    await client.authorize(ready.body);
    const abandoned = [pending, ready].map((o) => o.headers.location as string);
    const abandonedAuthz = [...pending.body.authorizations, ...ready.body.authorizations] as string[];
    const certificates = await count('certificates');
    const audit = await count('audit_events');

    // Nothing is deleted before expiry plus retention.
    bench.t.clock.advance(29 * DAY_MS);
    expect(await retention().purge()).toEqual({ orders: 0, authorizations: 0 });

    bench.t.clock.advance(11 * DAY_MS);
    const inUse = await client.order(['in-use.example.com']);
    expect(inUse.status).toBe(201);
    const purged = await retention().purge();
    expect(purged.orders).toBeGreaterThanOrEqual(2);
    expect(purged.authorizations).toBeGreaterThanOrEqual(3);

    for (const url of [...abandoned, ...abandonedAuthz]) {
      expect((await client.post(url, '')).status).toBe(404);
    }
    const kept = await client.post(valid.headers.location as string, '');
    expect(kept.status).toBe(200);
    expect(kept.body.status).toBe('valid');
    const download = await client.post(valid.body.certificate, '');
    expect(download.status).toBe(200);
    expect(download.text).toContain('BEGIN CERTIFICATE');
    const live = await client.post(inUse.headers.location as string, '');
    expect(live.body.status).toBe('pending');
    const liveAuthz = await client.post(inUse.body.authorizations[0] as string, '');
    expect(liveAuthz.status).toBe(200);

    expect(await count('certificates')).toBe(certificates);
    expect(await count('audit_events')).toBe(audit);
    expect((await bench.t.core.verifyAuditChain()).ok).toBe(true);
    // The directory still answers: the purge touched nothing the face needs.
    expect((await request(bench.app).get(`/acme/${bench.profile}/directory`)).status).toBe(200);
  });
});
