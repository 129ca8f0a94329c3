import type { Repositories } from '../ports.js';
import type { DeliveryChannel, OutboxEvent } from './outbox.js';
import type { NotificationSettings } from './transports.js';

export interface Recipient {
  channel: DeliveryChannel;
  recipient: string;
}

/**
 * Who hears of an event (PRODUCT.md): approvers of a new or re-announced pending request, the
 * requester of the decision, the asset owner of issuance, revocation and coming expiry; every
 * webhook of everything. Resolved when the event is fanned out, from the state at that moment.
 */
export async function recipientsOf(
  tx: Repositories,
  event: OutboxEvent,
  settings: NotificationSettings,
  emailEnabled: boolean,
): Promise<Recipient[]> {
  const emails = new Set<string>();
  const request = event.targetType === 'request' ? await tx.requests.get(event.targetId) : null;
  const certificate = event.targetType === 'certificate' ? await tx.certificates.get(event.targetId) : null;
  const assetId = request?.assetId ?? certificate?.assetId ?? null;
  const asset = assetId ? await tx.assets.get(assetId) : null;
  const requesterEmail = request ? (await tx.principals.get(request.requester))?.email : null;

  switch (event.event) {
    case 'request.submitted':
    case 'request.approval-reminder': {
      if (request?.status !== 'pending') break;
      for (const p of await tx.principals.listByRole(['approver', 'admin'])) {
        // The requester may not decide on their own request: no point asking them.
        if (p.email && p.subject !== request.requester) emails.add(p.email);
      }
      for (const e of settings.approverEmails) emails.add(e);
      break;
    }
    case 'request.approved':
    case 'request.rejected':
    case 'request.expired':
      if (requesterEmail) emails.add(requesterEmail);
      break;
    case 'certificate.issued':
      if (asset?.notifyEmail) emails.add(asset.notifyEmail);
      if (requesterEmail) emails.add(requesterEmail);
      break;
    case 'certificate.revoked':
    case 'certificate.expiring':
      if (asset?.notifyEmail) emails.add(asset.notifyEmail);
      break;
  }
  const out: Recipient[] = emailEnabled
    ? [...emails].map((recipient) => ({ channel: 'email', recipient }))
    : [];
  if (settings.webhookSecret) {
    for (const url of settings.webhookUrls) out.push({ channel: 'webhook', recipient: url });
  }
  return out;
}
