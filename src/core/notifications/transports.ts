/** An email to send; plain text only, no secret ever goes in one. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends email (SMTP in production); rejects on any failure so that the worker retries. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/** POSTs a signed JSON body; rejects on a network failure or a non-2xx answer. */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<void>;
}

export interface NotificationSettings {
  /** Extra approver addresses, on top of approver and admin principals with an email. */
  approverEmails: string[];
  webhookUrls: string[];
  /** HMAC-SHA256 key of the webhook signature; webhooks are not sent without one. */
  webhookSecret: string | null;
  maxAttempts: number;
  /** First retry delay; doubled per attempt, capped at an hour. */
  retryBaseMs: number;
  /** Days before notAfter when the asset owner is told of a coming expiry. */
  expiryWarningDays: number;
  /** Base URL of the web console (`<publicUrl>/console`): each email links the page of its request. */
  consoleUrl: string | null;
}

/** Whether anyone can be told anything: a mail server, or webhooks with their signing key. */
export function hasNotificationChannel(
  settings: Pick<NotificationSettings, 'webhookUrls' | 'webhookSecret'>,
  mail: boolean,
): boolean {
  return mail || (!!settings.webhookSecret && settings.webhookUrls.length > 0);
}
