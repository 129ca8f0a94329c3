/**
 * The key that signed the protocol message carrying a request (the SCEP signer certificate's
 * SubjectPublicKeyInfo, SHA-256 hex), so that a CertPoll or a resend is answered only to that key.
 * Null for requests stored before it and for faces without such a key.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('enrollment_requests', (t) => {
    t.text('signer_key_sha256').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('enrollment_requests', (t) => {
    t.dropColumn('signer_key_sha256');
  });
}
