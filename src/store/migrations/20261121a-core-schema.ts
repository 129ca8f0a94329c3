/** Profiles, assets, enrolment requests and their approvals, issued certificates, enrolment codes. */
import type { Knex } from 'knex';

const tz = { useTz: true };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('profiles', (t) => {
    t.text('id').primary();
    t.text('name').notNullable().unique();
    t.text('status').notNullable();
    // Every ProfileSettings field, as JSON.
    t.text('settings').notNullable();
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('updated_at', tz).notNullable();
    t.index(['created_at', 'id']);
  });

  await knex.schema.createTable('assets', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('dns_names').notNullable();
    t.text('owner');
    t.text('notify_email');
    t.text('attributes').notNullable();
    t.text('status').notNullable();
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('updated_at', tz).notNullable();
    t.index(['created_at', 'id']);
  });

  await knex.schema.createTable('enrollment_requests', (t) => {
    t.text('id').primary();
    t.text('protocol').notNullable();
    t.text('profile_id').notNullable().references('id').inTable('profiles');
    t.text('asset_id').references('id').inTable('assets');
    t.text('requester').notNullable();
    t.text('subject').notNullable();
    t.text('dns_names').notNullable();
    t.text('ip_addresses').notNullable();
    t.text('csr_pem').notNullable();
    t.text('csr_sha256').notNullable();
    t.text('status').notNullable();
    t.integer('required_approvals').notNullable();
    t.text('reason');
    t.text('certificate_serial');
    t.text('external_ref');
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('updated_at', tz).notNullable();
    t.timestamp('expires_at', tz);
    // NULLs are distinct in both dialects: requests without an external ref never collide.
    t.unique(['protocol', 'external_ref']);
    t.index(['status']);
    t.index(['profile_id']);
    t.index(['asset_id']);
    t.index(['requester']);
    t.index(['expires_at']);
    t.index(['created_at', 'id']);
  });

  await knex.schema.createTable('approvals', (t) => {
    t.text('request_id').notNullable().references('id').inTable('enrollment_requests');
    t.text('approver').notNullable();
    t.text('decision').notNullable();
    t.text('comment');
    t.timestamp('created_at', tz).notNullable();
    t.primary(['request_id', 'approver']);
  });

  await knex.schema.createTable('certificates', (t) => {
    t.text('serial_number').primary();
    t.text('request_id').references('id').inTable('enrollment_requests');
    t.text('profile_id');
    t.text('asset_id');
    t.text('subject').notNullable();
    t.text('dns_names').notNullable();
    t.text('ip_addresses').notNullable();
    t.timestamp('not_before', tz).notNullable();
    t.timestamp('not_after', tz).notNullable();
    t.text('pem').notNullable();
    t.text('status').notNullable();
    t.timestamp('revoked_at', tz);
    t.integer('revocation_reason');
    t.timestamp('created_at', tz).notNullable();
    t.index(['not_after']);
    t.index(['request_id']);
    t.index(['profile_id']);
    t.index(['asset_id']);
    t.index(['created_at', 'serial_number']);
  });

  await knex.schema.createTable('enrollment_codes', (t) => {
    t.text('id').primary();
    t.text('profile_id').notNullable().references('id').inTable('profiles');
    t.text('asset_id').references('id').inTable('assets');
    t.text('purpose').notNullable();
    t.text('secret_hash').notNullable();
    t.text('secret_sealed');
    t.text('bound_subject');
    t.boolean('single_use').notNullable();
    t.timestamp('expires_at', tz);
    t.integer('max_attempts').notNullable();
    t.integer('failed_attempts').notNullable();
    t.text('status').notNullable();
    t.timestamp('created_at', tz).notNullable();
    t.timestamp('updated_at', tz).notNullable();
    t.index(['profile_id', 'secret_hash']);
    t.index(['asset_id']);
    t.index(['created_at', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('enrollment_codes');
  await knex.schema.dropTable('certificates');
  await knex.schema.dropTable('approvals');
  await knex.schema.dropTable('enrollment_requests');
  await knex.schema.dropTable('assets');
  await knex.schema.dropTable('profiles');
}
