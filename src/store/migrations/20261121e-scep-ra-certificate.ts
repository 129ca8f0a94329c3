/** The SCEP RA certificate and its encrypted key (one row, id 'scep'), shared by every instance. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ca_ra_material', (t) => {
    t.text('id').primary();
    t.text('cert_pem').notNullable();
    t.text('key_pem').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ca_ra_material');
}
