/** The gateway's own HTTPS credential: one row (id 'https') per database, shared by every instance. */
import type { GatewayTlsCredential } from '../../core/certificates/gateway-tls.js';
import type { GatewayTlsRepository } from '../../core/ports.js';
import type { Dialect } from '../db.js';
import { fromJson, toDate, toJson } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface GatewayTlsRow {
  id: string;
  serial_number: string;
  names: string;
  key_sealed: string;
  updated_at: DbTimestamp;
}

const rowId = 'https';

/**
 * Key of the PostgreSQL advisory lock on the credential ("tls" in ASCII). Transaction-scoped. On
 * SQLite the transaction's BEGIN IMMEDIATE already holds the database's write lock.
 */
const gatewayTlsLockKey = 0x746c73n;

export class KnexGatewayTlsRepository implements GatewayTlsRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  async lock(): Promise<void> {
    if (this.dialect === 'postgres') {
      await this.db.raw('select pg_advisory_xact_lock(?)', [gatewayTlsLockKey.toString()]);
    }
  }

  async get(): Promise<GatewayTlsCredential | null> {
    const row = (await this.db('gateway_tls').where({ id: rowId }).first()) as GatewayTlsRow | undefined;
    return row
      ? {
          serialNumber: row.serial_number,
          names: fromJson<string[]>(row.names),
          keySealed: row.key_sealed,
          updatedAt: toDate(row.updated_at),
        }
      : null;
  }

  async save(credential: GatewayTlsCredential): Promise<void> {
    const row: GatewayTlsRow = {
      id: rowId,
      serial_number: credential.serialNumber,
      names: toJson(credential.names),
      key_sealed: credential.keySealed,
      updated_at: credential.updatedAt,
    };
    await this.db('gateway_tls').insert(row).onConflict('id').merge();
  }
}
