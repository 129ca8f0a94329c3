/**
 * The transactional outbox: an event row is written in the transaction of the change it reports,
 * so an event exists exactly when the change does; the worker fans it out into deliveries (one per
 * recipient and channel) and sends each with retries, so an SMTP or webhook outage loses nothing.
 */
export interface OutboxEvent {
  id: string;
  /** The audit action that raised it (request.submitted, certificate.issued, …). */
  event: string;
  targetType: string;
  targetId: string;
  actor: string;
  data: Record<string, unknown>;
  dedupeKey: string | null;
  expanded: boolean;
  createdAt: Date;
}

export type DeliveryChannel = 'email' | 'webhook';
export type DeliveryStatus = 'pending' | 'sent' | 'dead';

export interface OutboxDelivery {
  id: string;
  eventId: string;
  channel: DeliveryChannel;
  /** An email address or a webhook URL. */
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}
