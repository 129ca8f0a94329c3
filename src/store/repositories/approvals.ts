import type { Approval } from '../../core/enrollment/request.js';
import type { ApprovalRepository } from '../../core/ports.js';
import { insertOrConflict, toDate } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface ApprovalRow {
  request_id: string;
  approver: string;
  decision: Approval['decision'];
  comment: string | null;
  created_at: DbTimestamp;
}

function toRow(approval: Approval): ApprovalRow {
  return {
    request_id: approval.requestId,
    approver: approval.approver,
    decision: approval.decision,
    comment: approval.comment,
    created_at: approval.createdAt,
  };
}

function toDomain(row: ApprovalRow): Approval {
  return {
    requestId: row.request_id,
    approver: row.approver,
    decision: row.decision,
    comment: row.comment,
    createdAt: toDate(row.created_at),
  };
}

const table = 'approvals';

export class KnexApprovalRepository implements ApprovalRepository {
  constructor(private readonly db: Db) {}

  async add(approval: Approval): Promise<void> {
    await insertOrConflict(this.db, table, toRow(approval), 'request_id', 'A decision by this approver');
  }

  /** In the order they were made. */
  async listFor(requestId: string): Promise<Approval[]> {
    const rows = (await this.db(table)
      .where({ request_id: requestId })
      .orderBy(['created_at', 'approver'])) as ApprovalRow[];
    return rows.map(toDomain);
  }
}
