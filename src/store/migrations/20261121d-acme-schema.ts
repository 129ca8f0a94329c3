/**
 * The ACME face's state (protocols/acme/store.ts): accounts, orders, authorizations with their
 * challenges, and redeemed nonces. Columns that are queried are real columns; the rest of each
 * object is a JSON document, read and written whole.
 */
import type { Knex } from 'knex';

const tz = { useTz: true };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('acme_accounts', (t) => {
    t.text('id').primary();
    t.text('profile_id').notNullable();
    t.text('thumbprint').notNullable();
    t.text('status').notNullable();
    t.text('data').notNullable();
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('updated_at', tz).notNullable();
    t.unique(['profile_id', 'thumbprint']);
  });
  await knex.schema.createTable('acme_orders', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable();
    t.text('status').notNullable();
    t.text('replaces');
    t.text('data').notNullable();
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('updated_at', tz).notNullable();
    t.index(['account_id', 'created_at', 'id']);
    t.index(['replaces']);
  });
  await knex.schema.createTable('acme_authorizations', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable();
    // "dns:example.com", "dns:*.example.com" (wildcard) or "ip:192.0.2.1".
    t.text('identifier').notNullable();
    t.text('status').notNullable();
    t.timestamp('expires_at', tz).notNullable();
    t.text('data').notNullable();
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('updated_at', tz).notNullable();
    t.index(['account_id', 'identifier', 'status']);
  });
  await knex.schema.createTable('acme_nonces', (t) => {
    t.text('id').primary();
    t.timestamp('expires_at', tz).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['acme_nonces', 'acme_authorizations', 'acme_orders', 'acme_accounts']) {
    await knex.schema.dropTable(table);
  }
}
