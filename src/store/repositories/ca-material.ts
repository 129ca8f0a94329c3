/** The local CA's persistence (ca/local/store.ts), shared by every instance using this database. */
import type {
  CaRevocation,
  LocalCaStore,
  StoredCaMaterial,
  StoredRaMaterial,
} from '../../../ca/local/store.js';
import { toDate } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface MaterialRow {
  id: string;
  root_cert_pem: string;
  root_key_pem: string;
  issuing_cert_pem: string;
  issuing_key_pem: string;
  next_issuing_cert_pem?: string | null;
  created_at: DbTimestamp;
}

interface RaRow {
  id: string;
  cert_pem: string;
  key_pem: string;
  created_at: DbTimestamp;
}

/** The single RA row's id: one SCEP RA per database. */
const raId = 'scep';

interface RevocationRow {
  serial_number: string;
  revoked_at: DbTimestamp;
  reason: number | string;
}

/** The single row's id: one CA per database. */
const materialId = 'local';

function materialToRow(material: StoredCaMaterial): MaterialRow {
  return {
    id: materialId,
    root_cert_pem: material.rootCertPem,
    root_key_pem: material.rootKeyPem,
    issuing_cert_pem: material.issuingCertPem,
    issuing_key_pem: material.issuingKeyPem,
    next_issuing_cert_pem: material.nextIssuingCertPem ?? null,
    created_at: material.createdAt,
  };
}

function materialToDomain(row: MaterialRow): StoredCaMaterial {
  return {
    rootCertPem: row.root_cert_pem,
    rootKeyPem: row.root_key_pem,
    issuingCertPem: row.issuing_cert_pem,
    issuingKeyPem: row.issuing_key_pem,
    nextIssuingCertPem: row.next_issuing_cert_pem ?? null,
    createdAt: toDate(row.created_at),
  };
}

function revocationToDomain(row: RevocationRow): CaRevocation {
  return {
    serialNumber: row.serial_number,
    revokedAt: toDate(row.revoked_at),
    reason: Number(row.reason) as CaRevocation['reason'],
  };
}

export class KnexLocalCaStore implements LocalCaStore {
  constructor(private readonly db: Db) {}

  async loadMaterial(): Promise<StoredCaMaterial | null> {
    const row = (await this.db('ca_material').where({ id: materialId }).first()) as MaterialRow | undefined;
    return row ? materialToDomain(row) : null;
  }

  async saveMaterial(material: StoredCaMaterial): Promise<boolean> {
    const inserted = (await this.db('ca_material')
      .insert(materialToRow(material))
      .onConflict('id')
      .ignore()
      .returning('id')) as unknown[];
    return inserted.length === 1;
  }

  async saveNextIssuingCertificate(pem: string | null): Promise<void> {
    await this.db('ca_material').where({ id: materialId }).update({ next_issuing_cert_pem: pem });
  }

  async activateNextIssuingCertificate(pem: string): Promise<boolean> {
    const changed = await this.db('ca_material')
      .where({ id: materialId, next_issuing_cert_pem: pem })
      .update({ issuing_cert_pem: pem, next_issuing_cert_pem: null });
    return changed === 1;
  }

  async addRevocation(revocation: CaRevocation): Promise<void> {
    await this.db('ca_revocations')
      .insert({
        serial_number: revocation.serialNumber,
        revoked_at: revocation.revokedAt,
        reason: revocation.reason,
      })
      .onConflict('serial_number')
      .ignore();
  }

  async listRevocations(): Promise<CaRevocation[]> {
    const rows = (await this.db('ca_revocations').orderBy([
      'revoked_at',
      'serial_number',
    ])) as RevocationRow[];
    return rows.map(revocationToDomain);
  }

  async loadRaMaterial(): Promise<StoredRaMaterial | null> {
    const row = (await this.db('ca_ra_material').where({ id: raId }).first()) as RaRow | undefined;
    return row ? { certPem: row.cert_pem, keyPem: row.key_pem, createdAt: toDate(row.created_at) } : null;
  }

  async saveRaMaterial(material: StoredRaMaterial): Promise<boolean> {
    const inserted = (await this.db('ca_ra_material')
      .insert({
        id: raId,
        cert_pem: material.certPem,
        key_pem: material.keyPem,
        created_at: material.createdAt,
      })
      .onConflict('id')
      .ignore()
      .returning('id')) as unknown[];
    return inserted.length === 1;
  }
}
