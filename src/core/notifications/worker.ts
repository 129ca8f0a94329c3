import { createHmac, randomUUID } from 'node:crypto';
import type { Clock, Store } from '../ports.js';
import { emailFor } from './messages.js';
import type { OutboxDelivery, OutboxEvent } from './outbox.js';
import { recipientsOf } from './recipients.js';
import {
  hasNotificationChannel,
  type Mailer,
  type NotificationSettings,
  type WebhookSender,
} from './transports.js';

export interface WorkerDeps {
  store: Store;
  clock: Clock;
  settings: NotificationSettings;
  mailer: Mailer | null;
  webhooks: WebhookSender | null;
  /** Told of each failed attempt (the error text only: messages carry no secrets). */
  onError?: (delivery: OutboxDelivery, error: string) => void;
}

/** How long a claimed delivery is reserved for its worker before another may retry it. */
const leaseMs = 60_000;

/** `t.v1=` HMAC-SHA256 over "<timestamp>.<body>", like Stripe's scheme: replay-dated and body-bound. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Delivers the outbox. Step 1 fans each new event out into deliveries (recipients resolved then) in
 * one transaction with the expanded flag; step 2 sends due deliveries, each claimed by
 * compare-and-set first so that two workers never send one twice, and retried with exponential
 * backoff until maxAttempts, after which it is kept as `dead` for an admin to see.
 */
export class NotificationWorker {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(private readonly deps: WorkerDeps) {}

  async expand(limit = 100): Promise<number> {
    const { store, clock, settings } = this.deps;
    const batch = await store.outbox.unexpanded(limit);
    if (!this.#hasChannel()) {
      // Nobody can be told (no mail, no webhooks): one statement instead of a transaction per event.
      await store.outbox.markAllExpanded(batch.map((event) => event.id));
      return 0;
    }
    let count = 0;
    for (const event of batch) {
      await store.transaction(async (tx) => {
        if (!(await tx.outbox.markExpanded(event.id))) return;
        const now = clock.now();
        for (const r of await recipientsOf(tx, event, settings, this.deps.mailer !== null)) {
          await tx.outbox.addDelivery({
            id: randomUUID(),
            eventId: event.id,
            channel: r.channel,
            recipient: r.recipient,
            status: 'pending',
            attempts: 0,
            nextAttemptAt: now,
            lastError: null,
            sentAt: null,
            createdAt: now,
          });
          count++;
        }
      });
    }
    return count;
  }

  async send(limit = 50): Promise<{ sent: number; failed: number }> {
    const { store, clock, settings } = this.deps;
    let sent = 0;
    let failed = 0;
    for (const delivery of await store.outbox.due(clock.now(), limit)) {
      const claimedAt = clock.now();
      if (
        !(await store.outbox.claim(delivery.id, delivery.attempts, new Date(claimedAt.getTime() + leaseMs)))
      ) {
        continue;
      }
      const attempts = delivery.attempts + 1;
      try {
        const event = await store.outbox.getEvent(delivery.eventId);
        if (!event) throw new Error('the outbox event is missing');
        await this.#deliver(delivery, event);
        await store.outbox.recordAttempt(delivery.id, attempts, {
          status: 'sent',
          nextAttemptAt: clock.now(),
          lastError: null,
          sentAt: clock.now(),
        });
        sent++;
      } catch (err) {
        failed++;
        const message = err instanceof Error ? err.message : String(err);
        this.deps.onError?.(delivery, message);
        const backoff = Math.min(settings.retryBaseMs * 2 ** (attempts - 1), 3_600_000);
        await store.outbox.recordAttempt(delivery.id, attempts, {
          status: attempts >= settings.maxAttempts ? 'dead' : 'pending',
          nextAttemptAt: new Date(clock.now().getTime() + backoff),
          lastError: message.slice(0, 500),
          sentAt: null,
        });
      }
    }
    return { sent, failed };
  }

  async runOnce(): Promise<{ expanded: number; sent: number; failed: number }> {
    const expanded = await this.expand();
    return { expanded, ...(await this.send()) };
  }

  start(intervalMs: number, onError: (err: unknown) => void): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.runOnce()
        .then(() => undefined, onError)
        .finally(() => (this.#running = null));
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Whether {@link recipientsOf} can name anyone at all. */
  #hasChannel(): boolean {
    return hasNotificationChannel(this.deps.settings, this.deps.mailer !== null);
  }

  async #deliver(delivery: OutboxDelivery, event: OutboxEvent): Promise<void> {
    if (delivery.channel === 'email') {
      if (!this.deps.mailer) throw new Error('email is not configured');
      await this.deps.mailer.send(
        await emailFor(this.deps.store, event, delivery.recipient, this.deps.settings.consoleUrl),
      );
      return;
    }
    const secret = this.deps.settings.webhookSecret;
    if (!this.deps.webhooks || !secret) throw new Error('webhooks are not configured');
    const body = JSON.stringify({
      id: event.id,
      event: event.event,
      at: event.createdAt.toISOString(),
      actor: event.actor,
      target: { type: event.targetType, id: event.targetId },
      data: event.data,
    });
    const timestamp = String(Math.floor(this.deps.clock.now().getTime() / 1000));
    await this.deps.webhooks.post(delivery.recipient, body, {
      'content-type': 'application/json',
      'x-gateway-event': event.event,
      'x-gateway-delivery': delivery.id,
      'x-gateway-timestamp': timestamp,
      'x-gateway-signature': `sha256=${signWebhook(secret, timestamp, body)}`,
    });
  }
}
