/**
 * The admin surface's tables: internal notes and queue labels on requests, sealed P12 keys awaiting
 * their one download, contact addresses of API users, and the notification outbox (events written in
 * the transaction of the change, deliveries fanned out and retried by the worker).
 */
import type { Knex } from 'knex';

const tz = { useTz: true };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('request_notes', (t) => {
    t.text('id').primary();
    t.text('request_id').notNullable().references('id').inTable('enrollment_requests');
    t.text('author').notNullable();
    t.text('text').notNullable();
    t.timestamp('created_at', tz).notNullable();
    t.index(['request_id', 'created_at', 'id']);
  });

  await knex.schema.createTable('request_queue_states', (t) => {
    t.text('request_id').primary().references('id').inTable('enrollment_requests');
    t.text('state').notNullable();
    t.text('changed_by').notNullable();
    t.timestamp('updated_at', tz).notNullable();
  });

  await knex.schema.createTable('p12_deliveries', (t) => {
    t.text('request_id').primary().references('id').inTable('enrollment_requests');
    // PKCS#8 DER sealed with AES-256-GCM under a key derived from the master key; null once erased.
    t.text('key_sealed');
    t.text('encryption').notNullable();
    t.timestamp('key_expires_at', tz).notNullable();
    t.timestamp('downloaded_at', tz);
    t.timestamp('installed_at', tz);
    t.text('installed_by');
    t.timestamp('created_at', tz).notNullable();
    t.index(['key_expires_at']);
  });

  await knex.schema.createTable('principals', (t) => {
    t.text('subject').primary();
    t.text('role').notNullable();
    t.text('email');
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('updated_at', tz).notNullable();
  });

  await knex.schema.createTable('outbox_events', (t) => {
    t.text('id').primary();
    t.text('event').notNullable();
    t.text('target_type').notNullable();
    t.text('target_id').notNullable();
    t.text('actor').notNullable();
    t.text('data').notNullable();
    // Unique when set: the expiry warning of one certificate is enqueued once.
    t.text('dedupe_key').unique();
    t.boolean('expanded').notNullable();
    t.timestamp('created_at', tz).notNullable();
    t.index(['expanded', 'created_at']);
  });

  await knex.schema.createTable('outbox_deliveries', (t) => {
    t.text('id').primary();
    t.text('event_id').notNullable().references('id').inTable('outbox_events');
    t.text('channel').notNullable();
    t.text('recipient').notNullable();
    t.text('status').notNullable();
    t.integer('attempts').notNullable();
    t.timestamp('next_attempt_at', tz).notNullable();
    t.text('last_error');
    t.timestamp('sent_at', tz);
    t.timestamp('created_at', tz).notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['created_at', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox_deliveries');
  await knex.schema.dropTable('outbox_events');
  await knex.schema.dropTable('principals');
  await knex.schema.dropTable('p12_deliveries');
  await knex.schema.dropTable('request_queue_states');
  await knex.schema.dropTable('request_notes');
}
