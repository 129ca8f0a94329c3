import { describe, expect, it } from 'vitest';
import { permissions } from '../../../src/admin/api/permissions.js';
import { canEnroll } from '../../../src/admin/console/src/enroll/can-enroll.js';

const roles = ['admin', 'operator', 'approver', 'auditor'] as const;

describe('who sees the Enroll page', () => {
  it('When a role is checked, Then the page is offered exactly to those the API lets enrol and download a PKCS#12', () => {
    const allowed = (role: (typeof roles)[number]) =>
      (permissions.enroll as readonly string[]).includes(role) &&
      (permissions['p12.download'] as readonly string[]).includes(role);
    expect(roles.filter(canEnroll)).toEqual(roles.filter(allowed));
    expect(roles.filter(canEnroll)).toEqual(['admin', 'operator']);
  });
});
