/** The admin API's searches: every list has filters, a sort field and direction, and a keyset cursor. */
import type { Knex } from 'knex';
import type { Asset } from '../../core/assets/asset.js';
import type { AuditEvent } from '../../core/audit/event.js';
import type { CertificateRecord } from '../../core/certificates/certificate.js';
import type { EnrollmentCode } from '../../core/codes/code.js';
import type { EnrollmentRequest } from '../../core/enrollment/request.js';
import type {
  AssetSearch,
  AuditSearch,
  CertificateSearch,
  CodeSearch,
  Page,
  ProfileSearch,
  RequestSearch,
  SearchRepository,
} from '../../core/ports.js';
import type { Profile } from '../../core/profiles/profile.js';
import { toDomain as assetOf, type AssetRow } from './assets.js';
import { toDomain as auditOf, type AuditRow } from './audit.js';
import { toDomain as certificateOf, type CertificateRow } from './certificates.js';
import { toDomain as codeOf, type CodeRow } from './codes.js';
import { containsPattern, sortedPage, type SortColumn } from './keyset.js';
import { toDomain as profileOf, type ProfileRow } from './profiles.js';
import { toDomain as requestOf, type RequestRow } from './requests.js';
import type { Db } from './shared.js';

type AnyRow = Record<string, unknown>;

const time = (column: string): SortColumn => ({ column, kind: 'time' });

function like(q: Knex.QueryBuilder, columns: string[], text: string): void {
  const pattern = containsPattern(text);
  q.where((w) => {
    for (const column of columns) w.orWhereRaw(`lower(${column}) like ? escape '\\'`, [pattern]);
  });
}

export class KnexSearchRepository implements SearchRepository {
  constructor(private readonly db: Db) {}

  requests(f: RequestSearch): Promise<Page<EnrollmentRequest>> {
    const q = this.db('enrollment_requests').select('enrollment_requests.*');
    if (f.status?.length) q.whereIn('status', f.status);
    if (f.kind) q.where({ kind: f.kind });
    if (f.protocol) q.where({ protocol: f.protocol });
    if (f.profileId) q.where({ profile_id: f.profileId });
    if (f.assetId) q.where({ asset_id: f.assetId });
    if (f.requester) q.where({ requester: f.requester });
    if (f.createdFrom) q.where('created_at', '>=', f.createdFrom);
    if (f.createdTo) q.where('created_at', '<=', f.createdTo);
    if (f.q) like(q, ['subject', 'dns_names', 'id'], f.q);
    if (f.waitingFor) {
      const approver = f.waitingFor;
      q.where({ status: 'pending' })
        .whereNot({ requester: approver })
        .whereNotExists((sub) =>
          sub
            .select(this.db.raw('1'))
            .from('approvals')
            .whereRaw('approvals.request_id = enrollment_requests.id')
            .where('approvals.approver', approver),
        );
    }
    const sort = f.sort === 'updatedAt' ? time('updated_at') : time('created_at');
    return sortedPage<RequestRow & AnyRow, EnrollmentRequest>(q, sort, 'id', f, requestOf);
  }

  certificates(f: CertificateSearch): Promise<Page<CertificateRecord>> {
    const q = this.db('certificates').select('*');
    if (f.q) like(q, ['subject', 'dns_names', 'ip_addresses'], f.q);
    if (f.serial)
      q.whereRaw('lower(serial_number) like ?', [`${f.serial.toLowerCase().replace(/[^0-9a-f]/g, '')}%`]);
    if (f.assetId) q.where({ asset_id: f.assetId });
    if (f.profileId) q.where({ profile_id: f.profileId });
    if (f.requestId) q.where({ request_id: f.requestId });
    if (f.status) q.where({ status: f.status });
    if (f.purpose) q.where({ purpose: f.purpose });
    if (f.expiresBefore) q.where('not_after', '<', f.expiresBefore);
    if (f.expiresAfter) q.where('not_after', '>', f.expiresAfter);
    const sort = f.sort === 'notAfter' ? time('not_after') : time('created_at');
    return sortedPage<CertificateRow & AnyRow, CertificateRecord>(q, sort, 'serial_number', f, certificateOf);
  }

  assets(f: AssetSearch): Promise<Page<Asset>> {
    const q = this.db('assets').select('*');
    if (f.status) q.where({ status: f.status });
    if (f.owner) q.where({ owner: f.owner });
    if (f.q) like(q, ['name', 'dns_names', 'owner'], f.q);
    const sort: SortColumn = f.sort === 'name' ? { column: 'name', kind: 'text' } : time('created_at');
    return sortedPage<AssetRow & AnyRow, Asset>(q, sort, 'id', f, assetOf);
  }

  profiles(f: ProfileSearch): Promise<Page<Profile>> {
    const q = this.db('profiles').select('*');
    if (f.status) q.where({ status: f.status });
    if (f.q) like(q, ['name'], f.q);
    // Protocols live in the settings JSON; the quoted name cannot match anything but the array entry.
    if (f.protocol) q.whereRaw('settings like ?', [`%"${f.protocol}"%`]);
    const sort: SortColumn = f.sort === 'name' ? { column: 'name', kind: 'text' } : time('created_at');
    return sortedPage<ProfileRow & AnyRow, Profile>(q, sort, 'id', f, profileOf);
  }

  codes(f: CodeSearch): Promise<Page<EnrollmentCode>> {
    const q = this.db('enrollment_codes').select('*');
    if (f.profileId) q.where({ profile_id: f.profileId });
    if (f.assetId) q.where({ asset_id: f.assetId });
    if (f.status) q.where({ status: f.status });
    if (f.purpose) q.where({ purpose: f.purpose });
    return sortedPage<CodeRow & AnyRow, EnrollmentCode>(q, time('created_at'), 'id', f, codeOf);
  }

  audit(f: AuditSearch): Promise<Page<AuditEvent>> {
    const db = this.db;
    const q = db('audit_events').select('*');
    if (f.actor) q.where({ actor: f.actor });
    if (f.action) q.where({ action: f.action });
    if (f.targetType) q.where({ target_type: f.targetType });
    if (f.targetId) q.where({ target_id: f.targetId });
    if (f.from) q.where('at', '>=', f.from);
    if (f.to) q.where('at', '<=', f.to);
    if (f.requestId) {
      const id = f.requestId;
      q.where((w) =>
        w
          .where({ target_type: 'request', target_id: id })
          .orWhere((c) =>
            c
              .where({ target_type: 'certificate' })
              .whereIn('target_id', db('certificates').select('serial_number').where({ request_id: id })),
          ),
      );
    }
    for (const [column, value] of [
      ['asset_id', f.assetId],
      ['profile_id', f.profileId],
    ] as const) {
      if (!value) continue;
      const own = column === 'asset_id' ? 'asset' : 'profile';
      q.where((w) =>
        w
          .where({ target_type: own, target_id: value })
          .orWhere((c) =>
            c
              .where({ target_type: 'request' })
              .whereIn('target_id', db('enrollment_requests').select('id').where(column, value)),
          )
          .orWhere((c) =>
            c
              .where({ target_type: 'certificate' })
              .whereIn('target_id', db('certificates').select('serial_number').where(column, value)),
          )
          .orWhere((c) =>
            c
              .where({ target_type: 'code' })
              .whereIn('target_id', db('enrollment_codes').select('id').where(column, value)),
          ),
      );
    }
    // The key doubles as the sort column: seq is unique and increasing.
    return sortedPage<AuditRow & AnyRow, AuditEvent>(q, { column: 'seq', kind: 'int' }, 'seq', f, auditOf);
  }
}
