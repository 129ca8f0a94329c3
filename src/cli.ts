/**
 * The command line: serve, init, migrate, token create, user create, audit verify, ca rollover/activate.
 * Secrets meant for the operator (the first admin token and console password, a new token or
 * password) go to stdout, never to the log.
 */
import cluster from 'node:cluster';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { verifyChainStream, type ChainVerdict } from './core/audit/chain.js';
import type { AuditEvent } from './core/audit/event.js';
import { ConfigError, loadConfig, publicUrls } from './config/load.js';
import { reportListening, runPrimary, workerCount } from './cluster.js';
import type { Config } from './config/schema.js';
import { roles, type Role } from './core/tokens/token.js';
import type { CodePurpose } from './core/codes/code.js';
import type { ProfileSettingsPatch } from './core/profiles/settings.js';
import { isCoreError } from './core/errors.js';
import { profileSettingsInput } from './admin/api/schemas.js';
import { parseInput } from './admin/api/validate.js';
import { createLogger } from './http/logger.js';
import { openGateway, startGateway, type Gateway } from './main.js';
import { openStore } from './store/knex-store.js';
import { migrateLatest, migrateRollback, migrationStatus } from './store/migrate.js';
import { resolve } from 'node:path';
import { approveAccount } from '../protocols/acme/account-approval.js';
import { createAcmeStore } from './store/acme/acme-store.js';
import { activateCaRollover, prepareCaRollover } from './ca-rollover.js';

const usage = `Usage: enrollment-gateway <command> [--config FILE]

Commands:
  serve                                  start the HTTPS (ACME, admin API) and HTTP (SCEP, CRL) listeners
  init                                   create the data directory, database, CA and first admin token, then exit
  migrate [--status | --rollback [--all]] apply (or list, or undo) database migrations
  token create --subject NAME --role ROLE [--ttl-days N]
                                         create an API token (roles: ${roles.join(', ')})
  user create --username NAME --role ROLE [--email E] [--password-stdin]
                                         create a console user; without --password-stdin a password is
                                         generated and printed once
  audit verify [--file EXPORT.jsonl]     verify the audit hash chain of the store or of an export
  profile create --name NAME [--settings JSON]
                                         create an active certificate profile (settings as in the admin API)
  ca rollover [--validity-days N]        re-certify the issuing CA (same key, new validity) and publish it for
                                         SCEP GetNextCACert
  ca activate                            make the prepared rollover certificate current (restart every instance)
  acme-account approve --id ID          approve an ACME account waiting in the queue (acme.accountApprovalRequired)
  code create --profile NAME --purpose scep-challenge [--secret S] [--reusable] [--subject DN]
                                         create an enrolment code (a SCEP challengePassword); the secret is printed once
`;

function printStart(
  gateway: Pick<Gateway, 'bootstrapToken' | 'bootstrapConsolePassword' | 'rootCertificatePath'>,
  urls?: { https: string; http: string },
): void {
  if (gateway.bootstrapToken) {
    console.log(`\nAdmin API token (shown once, only its hash is stored):\n\n  ${gateway.bootstrapToken}\n`);
  }
  if (gateway.bootstrapConsolePassword) {
    console.log(
      `Console user "admin", password (shown once, only its scrypt hash is stored):\n\n  ${gateway.bootstrapConsolePassword}\n`,
    );
  }
  if (urls) {
    console.log(`Console:             ${urls.https}/console/`);
    console.log(`ACME and admin API:  ${urls.https}  (e.g. ${urls.https}/healthz)`);
    console.log(`SCEP, CRL, CA certs: ${urls.http}`);
  }
  console.log(`Root CA certificate (trust this in clients): ${gateway.rootCertificatePath}`);
}

async function serve(config: Config): Promise<void> {
  const logger = createLogger(config['log.level']);
  if (workerCount(config) > 1 && cluster.isPrimary) {
    await runPrimary(config, logger, (gateway) => printStart(gateway, publicUrls(config)));
    return;
  }
  const running = await startGateway(config, logger);
  if (cluster.isWorker) {
    reportListening();
  } else {
    printStart(running, running.urls);
    logger.info({ urls: running.urls, rootCertificate: running.rootCertificatePath }, 'gateway started');
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

const codePurposes: readonly CodePurpose[] = ['scep-challenge', 'acme-eab', 'self-service'];

/**
 * `--settings` as the admin API reads `settings`: the same schema (unknown keys refused, each named),
 * then the core's own merge onto the defaults.
 */
function settingsOption(text: string | undefined): ProfileSettingsPatch {
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`--settings is not JSON: ${cause instanceof Error ? cause.message : 'unreadable'}`);
  }
  try {
    return parseInput(profileSettingsInput, json, 'settings');
  } catch (err) {
    if (!isCoreError(err, 'invalid_input')) throw err;
    const issues = (err.details.issues ?? []) as { path: string; message: string }[];
    throw new ConfigError(`--settings: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

async function withGateway(config: Config, work: (gateway: Gateway) => Promise<void>): Promise<void> {
  const gateway = await openGateway(config, createLogger(config['log.level'], process.stderr));
  try {
    await work(gateway);
  } finally {
    await gateway.store.close();
  }
}

async function migrate(
  config: Config,
  flags: { status?: boolean; rollback?: boolean; all?: boolean },
): Promise<void> {
  const store = await openStore({
    url: config.databaseUrl,
    dataDir: resolve(config.dataDir),
    migrate: false,
  });
  try {
    if (flags.status) {
      const status = await migrationStatus(store.knex);
      for (const name of status.completed) console.log(`applied  ${name}`);
      for (const name of status.pending) console.log(`pending  ${name}`);
    } else if (flags.rollback) {
      const result = await store.withStartupLock(() => migrateRollback(store.knex, flags.all ?? false));
      console.log(
        result.migrations.length ? `rolled back: ${result.migrations.join(', ')}` : 'nothing to roll back',
      );
    } else {
      // Waits for an instance that is starting, rather than failing on knex's migration lock.
      const result = await store.withStartupLock(() => migrateLatest(store.knex));
      console.log(
        result.migrations.length ? `applied: ${result.migrations.join(', ')}` : 'already up to date',
      );
    }
  } finally {
    await store.close();
  }
}

/** The events of a JSON-lines export, parsed one line at a time. */
async function* exportedEvents(file: string): AsyncGenerator<AuditEvent> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as AuditEvent & { at: string };
    yield { ...e, at: new Date(e.at) };
  }
}

/** An export may start anywhere in the chain: its first event's own link is where it starts. */
async function verifyExport(file: string): Promise<boolean> {
  const events = exportedEvents(file);
  const first = await events.next();
  if (first.done) return report(await verifyChainStream(events));
  const start = { seq: first.value.seq - 1, hash: first.value.prevHash };
  async function* all(): AsyncGenerator<AuditEvent> {
    yield first.value as AuditEvent;
    yield* events;
  }
  return report(await verifyChainStream(all(), start));
}

function report(verdict: ChainVerdict): boolean {
  if (verdict.ok) console.log(`audit chain intact: ${verdict.events} events, last hash ${verdict.lastHash}`);
  else console.log(`audit chain BROKEN at seq ${verdict.brokenAt}: ${verdict.problem}`);
  return verdict.ok;
}

/** The whole of stdin without its final line break: a password piped in by a script or a secret store. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      subject: { type: 'string' },
      role: { type: 'string' },
      username: { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'ttl-days': { type: 'string' },
      status: { type: 'boolean' },
      rollback: { type: 'boolean' },
      all: { type: 'boolean' },
      file: { type: 'string' },
      name: { type: 'string' },
      settings: { type: 'string' },
      profile: { type: 'string' },
      purpose: { type: 'string' },
      secret: { type: 'string' },
      reusable: { type: 'boolean' },
      id: { type: 'string' },
      'validity-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig({ file: values.config ?? null });
  switch (command) {
    case 'serve':
      await serve(config);
      return -1;
    case 'init':
      await withGateway(config, async (gateway) => printStart(gateway));
      return 0;
    case 'migrate':
      await migrate(config, values);
      return 0;
    case 'token': {
      if (sub !== 'create' || !values.subject || !values.role) break;
      if (!roles.includes(values.role as Role))
        throw new ConfigError(`--role must be one of ${roles.join(', ')}`);
      const ttlDays = values['ttl-days'] ? Number(values['ttl-days']) : null;
      await withGateway(config, async (gateway) => {
        const { token, record } = await gateway.core.createToken({
          subject: values.subject ?? '',
          role: values.role as Role,
          actor: 'cli',
          ttlDays,
        });
        console.log(`Token for ${record.subject} (${record.role}), shown once:\n\n  ${token}\n`);
      });
      return 0;
    }
    case 'user': {
      if (sub !== 'create' || !values.username || !values.role) break;
      if (!roles.includes(values.role as Role))
        throw new ConfigError(`--role must be one of ${roles.join(', ')}`);
      const password = values['password-stdin'] ? await readStdin() : null;
      await withGateway(config, async (gateway) => {
        const { user, initialPassword } = await gateway.core.createConsoleUser({
          username: values.username ?? '',
          role: values.role as Role,
          email: values.email ?? null,
          password,
          actor: 'cli',
        });
        console.log(
          initialPassword
            ? `Console user ${user.username} (${user.role}), password shown once:\n\n  ${initialPassword}\n`
            : `Console user ${user.username} (${user.role}) created`,
        );
      });
      return 0;
    }
    case 'profile': {
      if (sub !== 'create' || !values.name) break;
      const settings = settingsOption(values.settings);
      await withGateway(config, async (gateway) => {
        const profile = await gateway.core.createProfile({
          name: values.name ?? '',
          actor: 'cli',
          status: 'active',
          settings,
        });
        console.log(`Profile ${profile.name} (${profile.id}) created`);
      });
      return 0;
    }
    case 'code': {
      if (sub !== 'create' || !values.profile || !values.purpose) break;
      if (!codePurposes.includes(values.purpose as CodePurpose))
        throw new ConfigError(`--purpose must be one of ${codePurposes.join(', ')}`);
      await withGateway(config, async (gateway) => {
        const profile = await gateway.store.profiles.getByName(values.profile ?? '');
        if (!profile) throw new ConfigError(`no profile named ${values.profile}`);
        const { code, secret } = await gateway.core.codes.create({
          profile,
          purpose: values.purpose as CodePurpose,
          actor: 'cli',
          secret: values.secret,
          singleUse: !values.reusable,
          boundSubject: values.subject ?? null,
          // An EAB MAC key must be readable by the server to check the MAC (RFC 8555 §7.3.4).
          showable: values.purpose === 'acme-eab',
        });
        // The secret goes to stdout once, like a new token; only its hash is stored.
        console.log(`Code ${code.id} for ${profile.name} (${code.purpose}), shown once:\n\n  ${secret}\n`);
      });
      return 0;
    }
    case 'acme-account': {
      if (sub !== 'approve' || !values.id) break;
      await withGateway(config, async (gateway) => {
        const account = await approveAccount(
          gateway.core,
          createAcmeStore(gateway.store.knex),
          values.id ?? '',
          'cli',
        );
        console.log(
          account.approved
            ? `ACME account ${account.id} approved`
            : `ACME account ${account.id}: approval recorded; its registration needs more approvers (admin API: /api/v1/requests?kind=account)`,
        );
      });
      return 0;
    }
    case 'ca': {
      if (sub === 'rollover') {
        const days = values['validity-days'] ? Number(values['validity-days']) : undefined;
        if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
          throw new ConfigError('--validity-days must be a positive whole number');
        }
        await withGateway(config, async (gateway) => {
          const next = await prepareCaRollover(gateway, 'cli', days);
          console.log(
            `Rollover certificate ${next.serialNumber} for ${next.subject}, valid ${next.notBefore} to ${next.notAfter},\n` +
              'published for GetNextCACert. Make it current with `ca activate`, then restart every instance.\n\n' +
              next.pem,
          );
        });
        return 0;
      }
      if (sub !== 'activate') break;
      let activated = false;
      await withGateway(config, async (gateway) => {
        const current = await activateCaRollover(gateway, 'cli');
        activated = current !== null;
        console.log(
          current
            ? `Issuing CA certificate ${current.serialNumber} (valid to ${current.notAfter}) is current: restart every instance`
            : 'No rollover certificate is prepared (ca rollover)',
        );
      });
      return activated ? 0 : 1;
    }
    case 'audit': {
      if (sub !== 'verify') break;
      if (values.file) return (await verifyExport(values.file)) ? 0 : 1;
      let ok = false;
      await withGateway(config, async (gateway) => {
        ok = report(await gateway.core.verifyAuditChain());
      });
      return ok ? 0 : 1;
    }
  }
  console.error(usage);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof Error ? `error: ${err.message}` : err);
    process.exit(1);
  },
);
