import { describe, expect, it } from 'vitest';
import { actionsFor } from '../../../src/admin/console/src/enrollments/available-actions.js';

const request = {
  status: 'pending',
  protocol: 'p10',
  kind: 'certificate',
  requester: 'alice',
  certificateSerial: null,
} as const;

const approver = { username: 'bob', role: 'approver' } as const;

describe('the actions a request offers in the console', () => {
  it('When an approver looks at a pending request, Then it may be decided, moved in the queue and noted', () => {
    expect(actionsFor(request, approver)).toEqual([
      'review',
      'approve',
      'reject',
      'changeStatus',
      'resendApprovalEmail',
      'note',
      'audit',
    ]);
  });

  it('When the requester looks at their own pending request, Then approve and reject are not offered', () => {
    expect(actionsFor(request, { username: 'alice', role: 'admin' })).not.toContain('approve');
    expect(actionsFor(request, { username: 'alice', role: 'admin' })).not.toContain('reject');
  });

  it('When an operator or an auditor looks, Then nothing they may not do is offered', () => {
    expect(actionsFor(request, { username: 'olga', role: 'operator' })).toEqual(['review', 'note', 'audit']);
    expect(actionsFor(request, { username: 'dave', role: 'auditor' })).toEqual(['review', 'audit']);
  });

  it('When a request is rejected, Then only a P10 request offers resend enrollment', () => {
    const rejected = { ...request, status: 'rejected' } as const;
    expect(actionsFor(rejected, approver)).toEqual(['review', 'resendEnrollment', 'note', 'audit']);
    expect(actionsFor({ ...rejected, protocol: 'acme' }, approver)).toEqual(['review', 'note', 'audit']);
    expect(actionsFor({ ...rejected, protocol: 'scep' }, approver)).not.toContain('resendEnrollment');
  });

  it('When a request is issued, Then its certificate downloads and no decision is offered', () => {
    const issued = { ...request, status: 'issued', certificateSerial: '0a1b' } as const;
    expect(actionsFor(issued, approver)).toEqual(['review', 'note', 'audit', 'download']);
  });
});
