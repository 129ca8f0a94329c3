import type { Role } from '../../core/tokens/token.js';

/** What each role may do; every admin route names one permission, checked in `authorize` only. */
export const permissions = {
  'self.read': ['admin', 'operator', 'approver', 'auditor'],
  'profiles.read': ['admin', 'operator', 'approver', 'auditor'],
  'requests.read': ['admin', 'operator', 'approver', 'auditor'],
  'requests.decide': ['admin', 'approver'],
  'audit.read': ['admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function allows(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}
