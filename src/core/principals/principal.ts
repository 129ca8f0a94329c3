import type { Role } from '../tokens/token.js';

/** A named user or service account: its role and the address notifications go to. */
export interface Principal {
  subject: string;
  role: Role;
  email: string | null;
  createdAt: Date;
  updatedAt: Date;
}
