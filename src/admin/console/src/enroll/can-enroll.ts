/**
 * Who may use the Enroll page: the roles with the API's `enroll` (and `p12.download`) permission, as in
 * src/admin/api/permissions.ts. The API still checks every call; this only hides what would fail.
 */
import type { Role } from '../api/types.js';

const enrollers: readonly Role[] = ['admin', 'operator'];

export function canEnroll(role: Role): boolean {
  return enrollers.includes(role);
}
