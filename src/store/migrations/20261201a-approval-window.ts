/**
 * Approval that outlives the client's patience: an enrolment request may carry an approval key (for
 * ACME: the account and the identifier set), so that a retry joins the pending request as another
 * attempt, and a decision covers the key for the profile's decision window.
 */
import type { Knex } from 'knex';

const tz = { useTz: true };
const pendingKeyIndex = 'enrollment_requests_pending_approval_key';
const decisionIndex = 'enrollment_requests_approval_key_decided_at';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('enrollment_requests', (t) => {
    t.text('approval_key');
    t.integer('attempts').notNullable().defaultTo(1);
    t.timestamp('last_attempt_at', tz);
    t.timestamp('decided_at', tz);
    t.text('covered_by');
  });
  await knex('enrollment_requests').update({ last_attempt_at: knex.ref('created_at') });
  // At most one pending request per key: two retries racing to open the queue entry make one, and
  // the other joins it. Partial unique indexes read the same in SQLite and PostgreSQL.
  await knex.raw(
    `create unique index ${pendingKeyIndex} on enrollment_requests (approval_key) ` +
      `where status = 'pending' and approval_key is not null`,
  );
  await knex.schema.alterTable('enrollment_requests', (t) => {
    t.index(['approval_key', 'decided_at'], decisionIndex);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists ${pendingKeyIndex}`);
  await knex.schema.alterTable('enrollment_requests', (t) => {
    t.dropIndex(['approval_key', 'decided_at'], decisionIndex);
  });
  await knex.schema.alterTable('enrollment_requests', (t) => {
    t.dropColumn('covered_by');
    t.dropColumn('decided_at');
    t.dropColumn('last_attempt_at');
    t.dropColumn('attempts');
    t.dropColumn('approval_key');
  });
}
