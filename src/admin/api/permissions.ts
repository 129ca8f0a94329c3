import type { Role } from '../../core/tokens/token.js';

/**
 * What each role may do; every admin route names one permission, checked in `authorize` only, and
 * test/integration/admin/permissions.test.ts calls every route with every role against this table.
 * operator = certificate agent (enrols, registers devices, manages codes); approver decides; auditor reads.
 */
export const permissions = {
  'self.read': ['admin', 'operator', 'approver', 'auditor'],
  'tokens.manage': ['admin'],
  'users.manage': ['admin'],
  'profiles.read': ['admin', 'operator', 'approver', 'auditor'],
  'profiles.write': ['admin'],
  'assets.read': ['admin', 'operator', 'approver', 'auditor'],
  'assets.write': ['admin', 'operator'],
  enroll: ['admin', 'operator'],
  'requests.read': ['admin', 'operator', 'approver', 'auditor'],
  'requests.decide': ['admin', 'approver'],
  'requests.manage': ['admin', 'approver'],
  'requests.note': ['admin', 'operator', 'approver'],
  'requests.download': ['admin', 'operator', 'approver', 'auditor'],
  'p12.download': ['admin', 'operator'],
  'codes.read': ['admin', 'operator', 'auditor'],
  'codes.reveal': ['admin', 'operator'],
  'codes.manage': ['admin', 'operator'],
  'certificates.read': ['admin', 'operator', 'approver', 'auditor'],
  'certificates.revoke': ['admin', 'operator'],
  'certificates.export': ['admin', 'operator', 'auditor'],
  'audit.read': ['admin', 'auditor'],
  'notifications.read': ['admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function allows(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}
