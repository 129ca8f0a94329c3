import type { Store } from '../ports.js';
import type { OutboxEvent } from './outbox.js';
import type { EmailMessage } from './transports.js';

const subjects: Record<string, string> = {
  'request.submitted': 'Approval needed: enrolment request',
  'request.approval-reminder': 'Reminder: enrolment request waiting for your approval',
  'request.approved': 'Your enrolment request was approved',
  'request.rejected': 'Your enrolment request was rejected',
  'request.expired': 'Your enrolment request expired without a decision',
  'certificate.issued': 'Certificate issued',
  'certificate.revoked': 'Certificate revoked',
  'certificate.expiring': 'Certificate expiring soon',
};

/** The email for one event. Names and ids only: never a code, a key or a password. */
export async function emailFor(
  store: Store,
  event: OutboxEvent,
  to: string,
  consoleUrl: string | null,
): Promise<EmailMessage> {
  const lines: string[] = [];
  const request = event.targetType === 'request' ? await store.requests.get(event.targetId) : null;
  const certificate =
    event.targetType === 'certificate'
      ? await store.certificates.get(event.targetId)
      : request?.certificateSerial
        ? await store.certificates.get(request.certificateSerial)
        : null;
  if (request) {
    const profile = await store.profiles.get(request.profileId);
    lines.push(
      `Request:   ${request.id}`,
      `Protocol:  ${request.protocol}`,
      `Profile:   ${profile?.name ?? request.profileId}`,
      `Requester: ${request.requester}`,
      `Subject:   ${request.subject || '(empty)'}`,
      `Names:     ${[...request.dnsNames, ...request.ipAddresses].join(', ') || '(none)'}`,
      `Status:    ${request.status}`,
    );
    if (request.reason) lines.push(`Reason:    ${request.reason}`);
    if (consoleUrl) lines.push(`Open:      ${consoleUrl}/requests/${encodeURIComponent(request.id)}`);
  }
  if (certificate) {
    lines.push(`Serial:    ${certificate.serialNumber}`, `Not after: ${certificate.notAfter.toISOString()}`);
  }
  lines.push('', `Event: ${event.event} by ${event.actor} at ${event.createdAt.toISOString()}`);
  return {
    to,
    subject: `[Enrollment Gateway] ${subjects[event.event] ?? event.event}`,
    text: lines.join('\n'),
  };
}
