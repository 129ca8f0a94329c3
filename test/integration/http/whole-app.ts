/**
 * Both listeners' apps as src/main.ts assembles them (admin API, ACME and SCEP faces on one core) on a
 * real store of either dialect, driven by supertest: for probes that must cross every face.
 */
import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { buildApp } from '../../../src/app.js';
import { createLogger } from '../../../src/http/logger.js';
import { createAcmeFace, type AcmeFace } from '../../../protocols/acme/index.js';
import { createScepFace } from '../../../protocols/scep/index.js';
import { createAcmeStore } from '../../../src/store/acme/acme-store.js';
import { testCore, type TestCore } from '../../helpers/core.js';
import type { TestDialect } from '../../helpers/db.js';
import { testOptions } from '../acme/harness.js';

export interface WholeApp extends TestCore {
  https: ReturnType<typeof supertest>;
  http: ReturnType<typeof supertest>;
  /** An admin token's Authorization header. */
  admin: { Authorization: string };
  acme: AcmeFace;
  stop(): Promise<void>;
}

export async function wholeApp(dialect: TestDialect): Promise<WholeApp> {
  const t = await testCore(dialect);
  await t.profile({}, 'default');
  const logger = createLogger('silent');
  const acme = createAcmeFace({
    core: t.core,
    store: createAcmeStore(t.store.knex),
    nonceKey: randomBytes(32),
    publicUrl: 'https://gw.test',
    logger,
    bodyLimit: '256kb',
    options: { ...testOptions, defaultProfile: 'default' },
    validation: {
      dnsResolver: null,
      http01Port: 80,
      tlsAlpn01Port: 443,
      timeoutMs: 1000,
      validLifetimeSeconds: 3600,
    },
  });
  const ra = await t.ca.scepRa();
  const scep = createScepFace({
    core: t.core,
    ra: { certificatePem: ra.certificatePem, privateKey: ra.privateKey, chainPem: t.ca.caChain() },
    defaultProfile: 'default',
    logger,
  });
  const apps = buildApp({
    core: t.core,
    ca: t.ca,
    logger,
    bodyLimit: '256kb',
    acme: acme.router,
    scep: scep.router,
    admin: { urls: { https: 'https://gw.test', http: 'http://gw.test' }, p12KeyTtlMs: 3_600_000 },
  });
  const { token } = await t.core.createToken({ subject: 'root', role: 'admin', actor: 'system' });
  return {
    ...t,
    https: supertest(apps.https),
    http: supertest(apps.http),
    admin: { Authorization: `Bearer ${token}` },
    acme,
    stop: async () => {
      await acme.stop();
      await t.cleanup();
    },
  };
}
