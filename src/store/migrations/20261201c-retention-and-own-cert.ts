/**
 * Retention and the gateway's own HTTPS certificate.
 * - ACME orders get their expiry and their certificate's serial as columns: the purge finds
 *   abandoned orders by expiry, and a valid order keeps only the link to the certificates table
 *   (the PEM copy kept in the order's document is dropped where that table holds the certificate).
 * - Indexes for the purges: authorizations by expiry, outbox deliveries by event.
 * - Certificates say what they are for: `enrollment`, or `gateway-tls` for the certificate of the
 *   gateway's own HTTPS listener (earlier starts' listener certificates are marked from the audit log).
 * - `gateway_tls` holds the listener's current certificate serial, its names and its key, sealed.
 */
import type { Knex } from 'knex';

const tz = { useTz: true };

const isPostgres = (knex: Knex) => knex.client.dialect === 'postgresql';

/** SQL for "the certificates table holds the certificate this order's document names". */
const recorded = (serialOf: string) =>
  `exists (select 1 from certificates c where c.serial_number = ${serialOf})`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('acme_orders', (t) => {
    t.timestamp('expires_at', tz);
    t.text('certificate_serial');
    t.index(['status', 'expires_at']);
  });
  if (isPostgres(knex)) {
    await knex.raw(`update acme_orders set
      expires_at = (data::jsonb ->> 'expiresAt')::timestamptz,
      certificate_serial = data::jsonb ->> 'certificateSerial',
      data = (data::jsonb - 'expiresAt' - 'certificateSerial'
        - case when ${recorded(`data::jsonb ->> 'certificateSerial'`)} then 'certificatePem' else '' end)::text`);
  } else {
    // SQLite keeps timestamps as epoch milliseconds; julianday reads the ISO 8601 text.
    await knex.raw(`update acme_orders set
      expires_at = cast(round((julianday(json_extract(data, '$.expiresAt')) - 2440587.5) * 86400000) as integer),
      certificate_serial = json_extract(data, '$.certificateSerial'),
      data = json_remove(data, '$.expiresAt', '$.certificateSerial',
        case when ${recorded(`json_extract(data, '$.certificateSerial')`)} then '$.certificatePem' else '$.expiresAt' end)`);
  }
  await knex.schema.alterTable('acme_authorizations', (t) => {
    t.index(['expires_at']);
  });
  await knex.schema.alterTable('outbox_deliveries', (t) => {
    t.index(['event_id']);
  });

  await knex.schema.alterTable('certificates', (t) => {
    t.text('purpose').notNullable().defaultTo('enrollment');
  });
  await knex.raw(`update certificates set purpose = 'gateway-tls'
    where request_id is null and serial_number in (
      select target_id from audit_events
      where action = 'certificate.issued' and target_type = 'certificate' and data like '%"https-listener"%')`);
  await knex.schema.createTable('gateway_tls', (t) => {
    t.text('id').primary();
    t.text('serial_number').notNullable();
    t.text('names').notNullable();
    t.text('key_sealed').notNullable();
    t.timestamp('updated_at', tz).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('gateway_tls');
  await knex.schema.alterTable('certificates', (t) => {
    t.dropColumn('purpose');
  });
  await knex.schema.alterTable('outbox_deliveries', (t) => {
    t.dropIndex(['event_id']);
  });
  await knex.schema.alterTable('acme_authorizations', (t) => {
    t.dropIndex(['expires_at']);
  });
  // Back into the document, where the earlier schema reads them; the download reads the PEM from
  // the certificates table when the order holds none.
  if (isPostgres(knex)) {
    await knex.raw(`update acme_orders set data = (data::jsonb
      || jsonb_build_object('expiresAt', to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                            'certificateSerial', certificate_serial))::text`);
  } else {
    await knex.raw(`update acme_orders set data = json_set(data,
      '$.expiresAt', strftime('%Y-%m-%dT%H:%M:%fZ', expires_at / 1000.0, 'unixepoch'),
      '$.certificateSerial', certificate_serial)`);
  }
  await knex.schema.alterTable('acme_orders', (t) => {
    t.dropIndex(['status', 'expires_at']);
    t.dropColumn('certificate_serial');
    t.dropColumn('expires_at');
  });
}
