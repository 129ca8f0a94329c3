/**
 * The issuing CA's next certificate during a rollover (RFC 8894 §4.7 GetNextCACert): the same key
 * and subject re-certified by the root with a later validity, until `ca activate` makes it current.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ca_material', (t) => {
    t.text('next_issuing_cert_pem').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ca_material', (t) => {
    t.dropColumn('next_issuing_cert_pem');
  });
}
