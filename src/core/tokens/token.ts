export type Role = 'admin' | 'operator' | 'approver' | 'auditor';
export const roles: readonly Role[] = ['admin', 'operator', 'approver', 'auditor'];

/** An API token bound to a named user or service account; only the SHA-256 of the token is stored. */
export interface ApiToken {
  id: string;
  subject: string;
  role: Role;
  tokenHash: string;
  expiresAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}
