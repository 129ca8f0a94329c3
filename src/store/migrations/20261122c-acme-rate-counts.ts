/**
 * ACME rate-limit windows in the database, so that every instance counts against the same limit
 * (one row per limit and key: the window's start and the events counted since).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('acme_rate_counts', (t) => {
    t.string('limit_name', 32).notNullable();
    t.string('key', 255).notNullable();
    t.timestamp('window_start', { useTz: true }).notNullable().index();
    t.integer('count').notNullable();
    t.primary(['limit_name', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('acme_rate_counts');
}
