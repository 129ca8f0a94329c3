/**
 * Store growth from abandoned ACME orders, and what retention gives back: an in-process gateway on
 * SQLite; one account creates `--orders` orders of `--identifiers` names each and never finalizes
 * them; a few certificates are issued (always-valid challenges) to size a valid order's row; then
 * the gateway's clock moves past expiry and retention, the purge runs, and as many orders again are
 * created. Reports the database's used bytes ((page_count - freelist_count) × page_size) and file
 * size at each step, and row counts.
 *
 *   npx tsx bench/acme-retention.ts [--orders 1000] [--identifiers 1] [--issued 20]
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcmeRetention } from '../protocols/acme/retention.js';
import { loadConfig } from '../src/config/load.js';
import { buildCsr } from '../src/core/csr/build.js';
import { purgeOutbox } from '../src/core/notifications/purge-outbox.js';
import type { Clock } from '../src/core/ports.js';
import { createLogger } from '../src/http/logger.js';
import { startGateway } from '../src/main.js';
import { createAcmeStore } from '../src/store/acme/acme-store.js';
import { b64, jwsClient } from './acme/jws-client.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  Number(args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const orders = option('--orders', 1000);
const identifiers = option('--identifiers', 1);
const issued = option('--issued', 20);
const dataDir = mkdtempSync(join(tmpdir(), 'acme-retention-'));
const DAY_MS = 86_400_000;

/** The gateway's clock, moved by the bench. */
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

async function main(): Promise<void> {
  const config = loadConfig({
    env: {
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_HTTPS_PORT: '0',
      GATEWAY_HTTP_PORT: '0',
      GATEWAY_ACME_ALWAYS_VALID: '1',
      GATEWAY_ACME_RATE_LIMIT_NEW_ORDERS: '0',
      GATEWAY_LOG_LEVEL: 'warn',
    },
  });
  const gw = await startGateway(config, createLogger('warn'), clock);
  const knex = gw.store.knex;
  const file = join(dataDir, 'gateway.sqlite');
  const used = async () => {
    await knex.raw('pragma wal_checkpoint(TRUNCATE)');
    const pragma = async (name: string) =>
      Number(Object.values(((await knex.raw(`pragma ${name}`)) as Record<string, number>[])[0] ?? {})[0]);
    return ((await pragma('page_count')) - (await pragma('freelist_count'))) * (await pragma('page_size'));
  };
  const rows = async (table: string) =>
    Number(((await knex(table).count({ n: '*' })) as { n: number }[])[0]?.n);
  const report = async (step: string) => {
    const counts = await Promise.all(
      ['acme_orders', 'acme_authorizations', 'outbox_events', 'certificates'].map(
        async (t) => `${t} ${await rows(t)}`,
      ),
    );
    const bytes = await used();
    console.log(
      `${step.padEnd(44)} used ${(bytes / 1024).toFixed(0).padStart(7)} KiB, file ${(statSync(file).size / 1024).toFixed(0).padStart(7)} KiB; ${counts.join(', ')}`,
    );
    return bytes;
  };

  const acme = await jwsClient(`https://localhost:${gw.ports.https}`, readFileSync(gw.rootCertificatePath));
  const { directory: dir, post } = acme;
  await acme.newNonce();
  const order = (prefix: string, i: number) =>
    post(dir.newOrder as string, {
      identifiers: Array.from({ length: identifiers }, (_, n) => ({
        type: 'dns',
        value: `${prefix}${i}-${n}.bench.test`,
      })),
    });
  const issue = async (i: number) => {
    const name = `v${i}.bench.test`;
    const created = await post(dir.newOrder as string, { identifiers: [{ type: 'dns', value: name }] });
    const authzUrl = (created.json.authorizations as string[])[0] as string;
    const authz = await post(authzUrl, '');
    await post((authz.json.challenges as { url: string }[])[0]?.url as string, {});
    while ((await post(authzUrl, '')).json.status !== 'valid') await new Promise((r) => setTimeout(r, 5));
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const csr = Buffer.from(buildCsr({ ...keys, subject: `CN=${name}`, dnsNames: [name] }));
    await post(created.json.finalize as string, { csr: b64(csr) });
  };

  try {
    await acme.register();
    const start = await report('start');
    for (let i = 0; i < orders; i++) await order('a', i);
    const abandoned = await report(`${orders} abandoned orders × ${identifiers} names`);
    console.log(
      `  growth per 1,000 abandoned orders: ${((((abandoned - start) / orders) * 1000) / 1024).toFixed(0)} KiB`,
    );
    for (let i = 0; i < issued; i++) await issue(i);
    if (issued > 0) {
      const avg = async (table: string, column: string, where: Record<string, string>) =>
        Number(
          (
            (await knex(table)
              .where(where)
              .avg({ n: knex.raw('length(??)', [column]) })) as { n: number }[]
          )[0]?.n,
        ).toFixed(0);
      console.log(
        `  a valid order's document: ${await avg('acme_orders', 'data', { status: 'valid' })} bytes ` +
          `(the PEM it no longer copies: ${await avg('certificates', 'pem', { purpose: 'enrollment' })} bytes)`,
      );
    }
    await report(`${issued} certificates issued`);

    offsetMs += (config['retention.acmeOrderDays'] + 2) * DAY_MS + config['acme.orderLifetimeSeconds'] * 1000;
    const retention = new AcmeRetention({
      store: createAcmeStore(knex),
      clock,
      options: {
        orderDays: config['retention.acmeOrderDays'],
        orderLifetimeSeconds: config['acme.orderLifetimeSeconds'],
        batches: { maxBatches: 1_000 },
      },
    });
    const began = performance.now();
    const purged = await retention.purge();
    const outbox = await purgeOutbox(gw.core, config['retention.outboxDays'], { maxBatches: 1_000 });
    console.log(
      `  purge: ${purged.orders} orders, ${purged.authorizations} authorizations, ${outbox.deliveries} deliveries, ${outbox.events} events in ${(performance.now() - began).toFixed(0)} ms`,
    );
    await report('after the purge (clock + retention + lifetime)');
    // The nonce held from before the clock moved has expired.
    await acme.newNonce();
    for (let i = 0; i < orders; i++) await order('b', i);
    await report(`${orders} more abandoned orders`);
  } finally {
    acme.close();
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
