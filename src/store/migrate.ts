/** Schema migrations, from the static list in ./migrations (see there why not a directory). */
import type { Knex } from 'knex';
import { dialectOf } from './db.js';
import { guard } from './errors.js';
import { migrationSource } from './migrations/index.js';

export const migrationTableName = 'knex_migrations';

/**
 * knex's migration bookkeeping tables are created unqualified, so on PostgreSQL they live in the first
 * schema of the connection's search_path, next to the tables themselves.
 */
const config: Knex.MigratorConfig = { migrationSource, tableName: migrationTableName };

export interface MigrationResult {
  /** The batch number knex recorded; 0 when nothing ran. */
  batch: number;
  migrations: string[];
}

export async function migrateLatest(knex: Knex): Promise<MigrationResult> {
  return guard(dialectOf(knex), async () => {
    const [batch, log] = (await knex.migrate.latest(config)) as [number, string[]];
    return { batch: log.length === 0 ? 0 : batch, migrations: log };
  });
}

/** Reverts the last batch, or every migration when `all`. */
export async function migrateRollback(knex: Knex, all = false): Promise<MigrationResult> {
  return guard(dialectOf(knex), async () => {
    const [batch, log] = (await knex.migrate.rollback(config, all)) as [number, string[]];
    return { batch: log.length === 0 ? 0 : batch, migrations: log };
  });
}

export interface MigrationStatus {
  completed: string[];
  pending: string[];
}

export async function migrationStatus(knex: Knex): Promise<MigrationStatus> {
  return guard(dialectOf(knex), async () => {
    const [completed, pending] = (await knex.migrate.list(config)) as [{ name: string }[], string[]];
    return {
      completed: completed.map((entry) => entry.name),
      pending: pending.map((entry) => migrationSource.getMigrationName(entry)),
    };
  });
}
