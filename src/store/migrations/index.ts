/**
 * Every migration, listed statically: knex's own loader globs a directory, which breaks between
 * TypeScript sources (vitest, tsx) and compiled JavaScript (dist/). Names carry no extension, so the
 * knex_migrations table reads the same whichever runs. Append new migrations at the end.
 */
import type { Knex } from 'knex';
import * as coreSchema from './20261121a-core-schema.js';
import * as auditAndTokens from './20261121b-audit-and-tokens.js';
import * as localCa from './20261121c-local-ca.js';
import * as acmeSchema from './20261121d-acme-schema.js';
import * as scepRaCertificate from './20261121e-scep-ra-certificate.js';
import * as adminSchema from './20261121f-admin-schema.js';
import * as requestKind from './20261122a-request-kind.js';
import * as caRollover from './20261122b-ca-rollover.js';
import * as acmeRateCounts from './20261122c-acme-rate-counts.js';
import * as consoleUsers from './20261201d-console-users.js';

export const migrations: readonly { name: string; migration: Knex.Migration }[] = [
  { name: '20261121a-core-schema', migration: coreSchema },
  { name: '20261121b-audit-and-tokens', migration: auditAndTokens },
  { name: '20261121c-local-ca', migration: localCa },
  { name: '20261121d-acme-schema', migration: acmeSchema },
  { name: '20261121e-scep-ra-certificate', migration: scepRaCertificate },
  { name: '20261121f-admin-schema', migration: adminSchema },
  { name: '20261122a-request-kind', migration: requestKind },
  { name: '20261122b-ca-rollover', migration: caRollover },
  { name: '20261122c-acme-rate-counts', migration: acmeRateCounts },
  { name: '20261201d-console-users', migration: consoleUsers },
];

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => migrations.map((entry) => entry.name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const entry = migrations.find((candidate) => candidate.name === name);
    if (!entry) throw new Error(`Unknown migration: ${name}`);
    return entry.migration;
  },
};
