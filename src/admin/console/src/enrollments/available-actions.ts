/**
 * Which actions a request offers, by its protocol, kind and status and by the user's role (the
 * DigiCert "Manage enrollments" rule: an action shows only where it applies). The roles mirror
 * src/admin/api/permissions.ts; the API still checks every call, so this only hides what would fail.
 */
import type { RequestItem, Role } from '../api/types.js';

export type RequestAction =
  | 'review'
  | 'audit'
  | 'approve'
  | 'reject'
  | 'note'
  | 'changeStatus'
  | 'resendApprovalEmail'
  | 'resendEnrollment'
  | 'download';

const byRole: Record<Exclude<RequestAction, 'review'>, readonly Role[]> = {
  audit: ['admin', 'operator', 'approver', 'auditor'],
  approve: ['admin', 'approver'],
  reject: ['admin', 'approver'],
  note: ['admin', 'operator', 'approver'],
  changeStatus: ['admin', 'approver'],
  resendApprovalEmail: ['admin', 'approver'],
  resendEnrollment: ['admin', 'approver'],
  download: ['admin', 'operator', 'approver', 'auditor'],
};

export interface Viewer {
  username: string;
  role: Role;
}

type RequestFacts = Pick<RequestItem, 'status' | 'protocol' | 'kind' | 'requester' | 'certificateSerial'>;

/** Statuses from which a P10 request may be submitted again (src/core/enrollment/resend-enrollment.ts). */
const resendable = new Set<RequestItem['status']>(['rejected', 'expired', 'failed']);

function applies(action: RequestAction, r: RequestFacts, viewer: Viewer): boolean {
  switch (action) {
    case 'review':
    case 'audit':
    case 'note':
      return true;
    case 'approve':
    case 'reject':
      // Nobody decides their own request (self_approval); the button would only produce that error.
      return r.status === 'pending' && r.requester !== viewer.username;
    case 'changeStatus':
    case 'resendApprovalEmail':
      return r.status === 'pending';
    case 'resendEnrollment':
      // Only a P10 request carries a CSR the gateway can submit again; ACME and SCEP clients retry themselves.
      return r.protocol === 'p10' && r.kind === 'certificate' && resendable.has(r.status);
    case 'download':
      return r.status === 'issued' && r.certificateSerial !== null;
  }
}

export const allActions: readonly RequestAction[] = [
  'review',
  'approve',
  'reject',
  'changeStatus',
  'resendApprovalEmail',
  'resendEnrollment',
  'note',
  'audit',
  'download',
];

export function actionsFor(r: RequestFacts, viewer: Viewer): RequestAction[] {
  return allActions.filter(
    (a) => (a === 'review' || byRole[a].includes(viewer.role)) && applies(a, r, viewer),
  );
}

export function can(action: RequestAction, r: RequestFacts, viewer: Viewer): boolean {
  return actionsFor(r, viewer).includes(action);
}
