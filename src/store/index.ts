export { createDatabase, dialectOf, isPostgresUrl, redact, sqliteFilename } from './db.js';
export type { DatabaseOptions, Dialect } from './db.js';
export { guard, translate } from './errors.js';
export { KnexStore, openStore } from './knex-store.js';
export type { StoreOptions } from './knex-store.js';
export { migrateLatest, migrateRollback, migrationStatus, migrationTableName } from './migrate.js';
export type { MigrationResult, MigrationStatus } from './migrate.js';
