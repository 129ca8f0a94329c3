/** The built-in CA's key material (one row, id 'local') and its revocation list. */
import type { Knex } from 'knex';

const tz = { useTz: true };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ca_material', (t) => {
    t.text('id').primary();
    t.text('root_cert_pem').notNullable();
    t.text('root_key_pem').notNullable();
    t.text('issuing_cert_pem').notNullable();
    t.text('issuing_key_pem').notNullable();
    t.timestamp('created_at', tz).notNullable();
  });

  await knex.schema.createTable('ca_revocations', (t) => {
    t.text('serial_number').primary();
    t.timestamp('revoked_at', tz).notNullable();
    t.integer('reason').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ca_revocations');
  await knex.schema.dropTable('ca_material');
}
