import type { PrincipalRepository } from '../../core/ports.js';
import type { Principal } from '../../core/principals/principal.js';
import type { Role } from '../../core/tokens/token.js';
import { toDate } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface PrincipalRow {
  subject: string;
  role: Role;
  email: string | null;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

function toDomain(row: PrincipalRow): Principal {
  return {
    subject: row.subject,
    role: row.role,
    email: row.email,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

const table = 'principals';

export class KnexPrincipalRepository implements PrincipalRepository {
  constructor(private readonly db: Db) {}

  async upsert(p: Principal): Promise<void> {
    await this.db(table)
      .insert({
        subject: p.subject,
        role: p.role,
        email: p.email,
        created_at: p.createdAt,
        updated_at: p.updatedAt,
      })
      .onConflict('subject')
      .merge(['role', 'email', 'updated_at']);
  }

  async get(subject: string): Promise<Principal | null> {
    const row = (await this.db(table).where({ subject }).first()) as PrincipalRow | undefined;
    return row ? toDomain(row) : null;
  }

  async listByRole(roles: readonly Role[]): Promise<Principal[]> {
    const rows = (await this.db(table)
      .whereIn('role', [...roles])
      .orderBy('subject')) as PrincipalRow[];
    return rows.map(toDomain);
  }
}
