/**
 * What an enrolment request asks for: a certificate (every request so far) or an account, the
 * registration of an ACME account on a profile that gates new accounts.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('enrollment_requests', (t) => {
    t.text('kind').notNullable().defaultTo('certificate');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('enrollment_requests', (t) => {
    t.dropColumn('kind');
  });
}
