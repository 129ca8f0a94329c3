/**
 * Composition root, read as a wiring diagram: config → secrets → store (migrate) → CA → core →
 * faces → listen. The only module where implementations meet.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { LocalCa } from '../ca/local/local-ca.js';
import { buildApp } from './app.js';
import { notificationSettings, startAdminBackground } from './admin/notifications/background.js';
import { publicUrls } from './config/load.js';
import type { Config } from './config/schema.js';
import { Core } from './core/core.js';
import { hasNotificationChannel } from './core/notifications/transports.js';
import type { ConsoleSettings } from './core/console-users/console-user.js';
import { isCoreError } from './core/errors.js';
import { systemClock, type Clock } from './core/ports.js';
import { deriveKeys, type DerivedKeys } from './core/secrets/keys.js';
import { hardenListener, serverOptions, textErrorWire, type ListenerLimits } from './http/listener.js';
import { pkiPaths } from './http/pki-routes.js';
import { openStore, type KnexStore } from './store/knex-store.js';
import { migrateLatest } from './store/migrate.js';
import { ensurePrivateDirectory, permissionsOf } from './store/files.js';
import { createAcmeFace, problemWire, type AcmeOptions } from '../protocols/acme/index.js';
import { createAcmeStore } from './store/acme/acme-store.js';
import { createScepFace } from '../protocols/scep/index.js';

/** Validity of the gateway's own HTTPS certificate; renewed at a start in its last third. */
const gatewayTlsValidityDays = 90;

export interface Gateway {
  store: KnexStore;
  ca: LocalCa;
  core: Core;
  /** Path of the root CA certificate clients must trust. */
  rootCertificatePath: string;
  /** The first admin API token, present only on the start that created it. */
  bootstrapToken: string | null;
  /** The password of the first console user (`admin`), present only on the start that created it. */
  bootstrapConsolePassword: string | null;
  /** HMAC key of the ACME nonces, the same on every instance sharing the master key. */
  nonceKey: Buffer;
}

/**
 * Writes `content` to `path` unless it is already there, through a temporary file and a rename: the
 * primary and every worker write the root certificate on start, and a client reading it meanwhile
 * (a script waiting for it) must never see it truncated.
 */
function writeWhole(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** Reads the master key from config, else from <dataDir>/master.key, generating it (0600) on first start. */
function masterKey(config: Config, dataDir: string, logger: Logger): Buffer {
  if (config.masterKey) return Buffer.from(config.masterKey, 'base64');
  const path = join(dataDir, 'master.key');
  if (!existsSync(path)) {
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    logger.warn(
      { path },
      'GENERATED A MASTER KEY FILE: it protects the CA keys and enrolment codes. Back it up, keep it off shared disks, ' +
        'or set GATEWAY_MASTER_KEY from a secret store (every instance sharing a database needs the same key).',
    );
  }
  chmodSync(path, 0o600);
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}

export function consoleSettings(config: Config): ConsoleSettings {
  return {
    sessionIdleMinutes: config['console.sessionIdleMinutes'],
    sessionMaxHours: config['console.sessionMaxHours'],
    lockoutThreshold: config['console.lockoutThreshold'],
    lockoutMinutes: config['console.lockoutMinutes'],
  };
}

/**
 * With no console user yet, makes `admin` (role admin) with a generated password, returned to be
 * printed once. Another instance starting at the same moment may win the race: then it printed it.
 */
async function firstConsoleUser(core: Core): Promise<string | null> {
  if ((await core.store.consoleUsers.count()) > 0) return null;
  try {
    const { initialPassword } = await core.createConsoleUser({
      username: 'admin',
      role: 'admin',
      actor: 'system',
    });
    return initialPassword;
  } catch (err) {
    if (isCoreError(err, 'conflict')) return null;
    throw err;
  }
}

/** Everything but the listeners: used by `serve`, `init` and the CLI's maintenance commands. */
export async function openGateway(
  config: Config,
  logger: Logger,
  urls: { https: string; http: string } = publicUrls(config),
  clock: Clock = systemClock,
): Promise<Gateway> {
  const dataDir = resolve(config.dataDir);
  const mode = ensurePrivateDirectory(dataDir).created ? 0o700 : permissionsOf(dataDir);
  if (mode & 0o077) {
    logger.warn(
      { dataDir, mode: mode.toString(8) },
      'the data directory is open to its group or to others: chmod 700 it (it holds the database and the master key)',
    );
  }
  const keys = deriveKeys(masterKey(config, dataDir, logger));
  const store = await openStore({
    url: config.databaseUrl,
    dataDir,
    poolMax: config['database.poolMax'],
    migrate: false,
  });
  try {
    // Instances started together on one database migrate and bootstrap one after the other.
    return await store.withStartupLock(() =>
      bootstrap(config, logger, { urls, store, keys, dataDir, clock }),
    );
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Migrations, then what the first start creates: the CA, the default profile, the first token. */
async function bootstrap(
  config: Config,
  logger: Logger,
  opened: {
    urls: { https: string; http: string };
    store: KnexStore;
    keys: DerivedKeys;
    dataDir: string;
    clock: Clock;
  },
): Promise<Gateway> {
  const { urls, store, keys, dataDir, clock } = opened;
  await migrateLatest(store.knex);
  const ca = await LocalCa.open({
    store: store.caStore,
    passphrase: keys.caPassphrase,
    keyAlgorithm: config['ca.keyAlgorithm'],
    commonName: config['ca.commonName'],
    rootValidityDays: config['ca.rootValidityDays'],
    issuingValidityDays: config['ca.issuingValidityDays'],
    crlValidityHours: config['ca.crlValidityHours'],
    crlUrl: urls.http + pkiPaths.crl,
    caIssuersUrl: urls.http + pkiPaths.issuingCertificate,
    now: () => clock.now(),
  });
  const core = new Core({ store, ca, clock, keys, console: consoleSettings(config) });
  const rootCertificatePath = join(dataDir, 'root-ca.pem');
  writeWhole(rootCertificatePath, ca.rootCertificatePem);
  if (await core.ensureDefaultProfile(config.defaultProfile)) {
    logger.info({ profile: config.defaultProfile }, 'created the default certificate profile');
  }
  let bootstrapToken: string | null = null;
  if ((await store.tokens.count()) === 0) {
    bootstrapToken = (await core.createToken({ subject: 'admin', role: 'admin', actor: 'system' })).token;
  }
  const bootstrapConsolePassword = await firstConsoleUser(core);
  return {
    store,
    ca,
    core,
    rootCertificatePath,
    bootstrapToken,
    bootstrapConsolePassword,
    nonceKey: keys.nonceKey,
  };
}

export interface RunningGateway extends Gateway {
  urls: { https: string; http: string };
  ports: { https: number; http: number };
  stop(): Promise<void>;
}

function listen(server: Server | HttpsServer, port: number, host: string): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

/**
 * TLS material for the HTTPS listener: the operator's files, else the gateway's own certificate from
 * the local CA, reused across starts and instances until near expiry or until tls.names change.
 */
async function serverTls(
  config: Config,
  gateway: Gateway,
  logger: Logger,
): Promise<{ cert: string; key: string }> {
  if (config['tls.certFile'] && config['tls.keyFile']) {
    return {
      cert: readFileSync(config['tls.certFile'], 'utf8'),
      key: readFileSync(config['tls.keyFile'], 'utf8'),
    };
  }
  const own = await gateway.core.gatewayTlsCertificate({
    names: config['tls.names'],
    sign: (names, now) => gateway.ca.issueServerCertificate(names, gatewayTlsValidityDays, now),
  });
  if (own.issued) logger.info({ serial: own.serialNumber }, 'issued the HTTPS certificate');
  return { cert: own.certPem + gateway.ca.caChain()[0], key: own.keyPem };
}

/** The ACME face's settings from config (acme.*). */
export function acmeOptions(config: Config): AcmeOptions {
  return {
    termsOfService: config['acme.termsOfService'],
    website: config['acme.website'],
    caaIdentities: config['acme.caaIdentities'],
    orderLifetimeSeconds: config['acme.orderLifetimeSeconds'],
    authzLifetimeSeconds: config['acme.authzLifetimeSeconds'],
    authzReuseSeconds: config['acme.authzReuseSeconds'],
    retryAfterSeconds: config['acme.retryAfterSeconds'],
    defaultProfile: config.defaultProfile,
    maxIdentifiers: 100,
    ordersPageSize: 50,
  };
}

/**
 * Starts both listeners. With a port of 0 they are bound first, so that the port is known before
 * URLs go into certificates; with fixed ports they are bound last, so that no connection arrives
 * before the TLS certificate and the routes are in place (a cluster worker shares its listeners from
 * the moment it binds them).
 */
export async function startGateway(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<RunningGateway> {
  const limits: ListenerLimits = {
    maxHeaderSize: config['http.maxHeaderSize'],
    headersTimeoutMs: config['http.headersTimeoutMs'],
    requestTimeoutMs: config['http.requestTimeoutMs'],
    maxConnectionsPerClient: config['http.maxConnectionsPerClient'],
  };
  const https = createHttpsServer(serverOptions(limits));
  const http = createHttpServer(serverOptions(limits));
  hardenListener(https, limits, { faces: [{ prefix: '/acme', write: problemWire }], logger });
  hardenListener(http, limits, { faces: [{ prefix: '/scep', write: textErrorWire }], logger });
  const bind = async () => ({
    https: await listen(https, config['https.port'], config['https.host']),
    http: await listen(http, config['http.port'], config['http.host']),
  });
  const bindFirst = config['https.port'] === 0 || config['http.port'] === 0;
  const ports = bindFirst ? await bind() : { https: config['https.port'], http: config['http.port'] };
  const urls = publicUrls(config, ports);
  let gateway: Gateway;
  try {
    gateway = await openGateway(config, logger, urls, clock);
    https.setSecureContext(await serverTls(config, gateway, logger));
  } catch (err) {
    https.close();
    http.close();
    throw err;
  }
  const acme = createAcmeFace({
    core: gateway.core,
    store: createAcmeStore(gateway.store.knex),
    nonceKey: gateway.nonceKey,
    publicUrl: urls.https,
    logger,
    bodyLimit: config['http.bodyLimit'],
    options: acmeOptions(config),
    rateLimits: {
      newAccountsPerIpPerHour: config['acme.rateLimit.newAccountsPerIpPerHour'],
      newOrdersPerAccountPerHour: config['acme.rateLimit.newOrdersPerAccountPerHour'],
      failedValidationsPerAccountPerHour: config['acme.rateLimit.failedValidationsPerAccountPerHour'],
    },
    retention: { orderDays: config['retention.acmeOrderDays'] },
    validation: {
      dnsResolver: config['acme.dnsResolver'],
      http01Port: config['acme.http01Port'],
      tlsAlpn01Port: config['acme.tlsAlpn01Port'],
      timeoutMs: config['acme.validationTimeoutMs'],
      alwaysValid: config['acme.alwaysValid'],
      validLifetimeSeconds: config['acme.authzReuseSeconds'],
      types: config['acme.challengeTypes'],
    },
  });
  if (config['acme.alwaysValid']) {
    logger.warn(
      'ACME CHALLENGES ARE NOT VALIDATED (acme.alwaysValid): anyone can get a certificate for any name',
    );
  }
  // The SCEP RA certificate is made by the local CA on first start and handed over as plain values.
  const scepRa = await gateway.ca.scepRa();
  const scep = createScepFace({
    core: gateway.core,
    ra: {
      certificatePem: scepRa.certificatePem,
      privateKey: scepRa.privateKey,
      chainPem: gateway.ca.caChain(),
    },
    defaultProfile: config.defaultProfile,
    logger,
    nextCaChainPem: () => gateway.ca.nextChain(),
  });
  const apps = buildApp({
    core: gateway.core,
    ca: gateway.ca,
    logger,
    bodyLimit: config['http.bodyLimit'],
    acme: acme.router,
    scep: scep.router,
    admin: {
      urls,
      p12KeyTtlMs: config['p12.keyTtlMinutes'] * 60_000,
      notificationChannels: hasNotificationChannel(
        notificationSettings(config),
        config['smtp.host'] !== null,
      ),
    },
  });
  https.on('request', apps.https);
  http.on('request', apps.http);
  if (!bindFirst) {
    try {
      await bind();
    } catch (err) {
      https.close();
      http.close();
      await Promise.all([acme.stop(), gateway.store.close()]);
      throw err;
    }
  }
  const adminBackground = startAdminBackground(gateway.core, config, logger);

  const sweeper = setInterval(() => {
    const { core } = gateway;
    core.expirePending().catch((err: unknown) => logger.error({ err }, 'expiring pending requests failed'));
    core.resumeApproved().catch((err: unknown) => logger.error({ err }, 'resuming approved requests failed'));
    core.purgeSessions().catch((err: unknown) => logger.error({ err }, 'purging console sessions failed'));
  }, 60_000);
  sweeper.unref();

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(sweeper);
      const closed = Promise.all(
        [https, http].map((s) => new Promise<void>((done) => s.close(() => done()))),
      );
      // close() waits for in-flight requests; past the timeout, connections are cut.
      const timer = setTimeout(() => {
        https.closeAllConnections();
        http.closeAllConnections();
      }, config['shutdown.timeoutMs']);
      timer.unref();
      await closed;
      clearTimeout(timer);
      await Promise.all([adminBackground.stop(), acme.stop()]);
      await gateway.store.close();
    })());
  return { ...gateway, urls, ports, stop };
}
