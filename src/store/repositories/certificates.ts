import type { CertificateRecord } from '../../core/certificates/certificate.js';
import type { CertificateRepository, ListOptions, Page } from '../../core/ports.js';
import { fromJson, insertOrConflict, keysetPage, toDate, toDateOrNull, toJson } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

export interface CertificateRow {
  serial_number: string;
  request_id: string | null;
  profile_id: string | null;
  asset_id: string | null;
  subject: string;
  dns_names: string;
  ip_addresses: string;
  not_before: DbTimestamp;
  not_after: DbTimestamp;
  pem: string;
  status: CertificateRecord['status'];
  revoked_at: DbTimestamp | null;
  revocation_reason: number | null;
  purpose: CertificateRecord['purpose'];
  created_at: DbTimestamp;
}

export function toRow(certificate: CertificateRecord): CertificateRow {
  return {
    serial_number: certificate.serialNumber,
    request_id: certificate.requestId,
    profile_id: certificate.profileId,
    asset_id: certificate.assetId,
    subject: certificate.subject,
    dns_names: toJson(certificate.dnsNames),
    ip_addresses: toJson(certificate.ipAddresses),
    not_before: certificate.notBefore,
    not_after: certificate.notAfter,
    pem: certificate.pem,
    status: certificate.status,
    revoked_at: certificate.revokedAt,
    revocation_reason: certificate.revocationReason,
    purpose: certificate.purpose,
    created_at: certificate.createdAt,
  };
}

export function toDomain(row: CertificateRow): CertificateRecord {
  return {
    serialNumber: row.serial_number,
    requestId: row.request_id,
    profileId: row.profile_id,
    assetId: row.asset_id,
    subject: row.subject,
    dnsNames: fromJson<string[]>(row.dns_names),
    ipAddresses: fromJson<string[]>(row.ip_addresses),
    notBefore: toDate(row.not_before),
    notAfter: toDate(row.not_after),
    pem: row.pem,
    status: row.status,
    revokedAt: toDateOrNull(row.revoked_at),
    revocationReason:
      row.revocation_reason == null ? null : (Number(row.revocation_reason) as RevocationReason),
    purpose: row.purpose,
    createdAt: toDate(row.created_at),
  };
}

/** Taken from the record type: `src/store` depends on the core's types only. */
type RevocationReason = NonNullable<CertificateRecord['revocationReason']>;

export const table = 'certificates';

export class KnexCertificateRepository implements CertificateRepository {
  constructor(private readonly db: Db) {}

  async insert(certificate: CertificateRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      table,
      toRow(certificate),
      'serial_number',
      'A certificate with this serial number',
    );
  }

  async get(serialNumber: string): Promise<CertificateRecord | null> {
    const row = (await this.db(table).where({ serial_number: serialNumber }).first()) as
      CertificateRow | undefined;
    return row ? toDomain(row) : null;
  }

  async markRevoked(serialNumber: string, revokedAt: Date, reason: RevocationReason): Promise<boolean> {
    const changed = await this.db(table)
      .where({ serial_number: serialNumber, status: 'valid' })
      .update({ status: 'revoked', revoked_at: revokedAt, revocation_reason: reason });
    return changed === 1;
  }

  async list(
    filter: { profileId?: string; assetId?: string; status?: CertificateRecord['status'] } & ListOptions = {},
  ): Promise<Page<CertificateRecord>> {
    const query = this.db(table).select('*');
    if (filter.profileId) query.where({ profile_id: filter.profileId });
    if (filter.assetId) query.where({ asset_id: filter.assetId });
    if (filter.status) query.where({ status: filter.status });
    return keysetPage<CertificateRow, CertificateRecord>(
      query,
      { time: 'created_at', key: 'serial_number' },
      filter,
      toDomain,
    );
  }
}
