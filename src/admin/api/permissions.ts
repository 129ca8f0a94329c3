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

/** What each permission lets a role do, as a person reads it: "The operator role may not <action>". */
export const permissionActions: Record<Permission, string> = {
  'self.read': 'read who it is',
  'tokens.manage': 'manage API tokens',
  'users.manage': 'manage console users',
  'profiles.read': 'read profiles',
  'profiles.write': 'change profiles',
  'assets.read': 'read assets',
  'assets.write': 'change assets',
  enroll: 'enrol certificates',
  'requests.read': 'read requests',
  'requests.decide': 'decide requests',
  'requests.manage': 'manage the approval queue',
  'requests.note': 'add notes to requests',
  'requests.download': 'download issued certificates',
  'p12.download': 'download PKCS#12 files',
  'codes.read': 'read enrolment codes',
  'codes.reveal': 'reveal enrolment code secrets',
  'codes.manage': 'manage enrolment codes',
  'certificates.read': 'read certificates',
  'certificates.revoke': 'revoke certificates',
  'certificates.export': 'export the certificate inventory',
  'audit.read': 'read the audit log',
  'notifications.read': 'read notification deliveries',
};

/** The refusal a role gets for a permission it lacks. */
export function refusalMessage(role: Role, permission: Permission): string {
  return `The ${role} role may not ${permissionActions[permission]}`;
}

export function allows(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}
