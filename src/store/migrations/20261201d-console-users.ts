/**
 * Console users (scrypt password hashes only) and their sessions (the SHA-256 of the cookie value
 * only): nothing here opens a session or reveals a password.
 */
import type { Knex } from 'knex';

const tz = { useTz: true };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('console_users', (t) => {
    t.text('id').primary();
    t.text('username').notNullable();
    t.text('username_key').notNullable().unique();
    t.text('role').notNullable();
    t.text('email');
    t.text('password_hash').notNullable();
    t.boolean('disabled').notNullable();
    t.integer('failed_attempts').notNullable();
    t.timestamp('locked_until', tz);
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('updated_at', tz).notNullable();
    t.timestamp('last_sign_in_at', tz);
  });

  await knex.schema.createTable('console_sessions', (t) => {
    t.text('id').primary();
    t.text('token_hash').notNullable().unique();
    t.text('user_id').notNullable().references('id').inTable('console_users');
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('last_seen_at', tz).notNullable();
    t.timestamp('expires_at', tz).notNullable();
    t.timestamp('ended_at', tz);
    t.text('end_reason');
    t.text('client_address');
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('console_sessions');
  await knex.schema.dropTable('console_users');
}
