/** Words the console shows for the API's values. */
import type { Protocol, RequestStatus } from '../api/types.js';

export const protocolLabel: Record<Protocol, string> = { acme: 'ACME', scep: 'SCEP', p10: 'P10', p12: 'P12' };

export const statusLabel: Record<RequestStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  issued: 'Issued',
  failed: 'Failed',
  expired: 'Expired',
};

export const queueStateLabel: Record<string, string> = {
  new: 'New',
  'in-progress': 'In progress',
  'on-hold': 'On hold',
};

export function StatusBadge({ status }: { status: RequestStatus }) {
  return <span class={`badge badge-${status}`}>{statusLabel[status]}</span>;
}

/** The subject's CN, or the first name, or the id: what a person recognises a request by. */
export function requestTitle(r: { subject: string; dnsNames: string[]; id: string }): string {
  const cn = /(?:^|,\s*)CN=([^,]+)/i.exec(r.subject)?.[1];
  return cn ?? r.dnsNames[0] ?? (r.subject || r.id);
}
