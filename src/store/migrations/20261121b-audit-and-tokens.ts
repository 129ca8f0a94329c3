/** The hash-chained audit log and the admin API tokens. */
import type { Knex } from 'knex';

const tz = { useTz: true };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_events', (t) => {
    // Assigned by the core (tail.seq + 1) under the append lock, never by the database.
    t.bigInteger('seq').notNullable().primary();
    t.timestamp('at', tz).notNullable();
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('target_type').notNullable();
    t.text('target_id').notNullable();
    t.text('data').notNullable();
    t.text('prev_hash').notNullable();
    t.text('hash').notNullable();
    t.index(['target_type', 'target_id']);
    t.index(['actor']);
    t.index(['at']);
  });

  await knex.schema.createTable('api_tokens', (t) => {
    t.text('id').primary();
    t.text('subject').notNullable();
    t.text('role').notNullable();
    t.text('token_hash').notNullable().unique();
    t.timestamp('expires_at', tz);
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('last_used_at', tz);
    t.index(['subject']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_tokens');
  await knex.schema.dropTable('audit_events');
}
