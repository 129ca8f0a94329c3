import type { Logger } from 'pino';
import { publicUrls } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { Core } from '../../core/core.js';
import { scanExpiring } from '../../core/notifications/expiry-scan.js';
import type { NotificationSettings } from '../../core/notifications/transports.js';
import { NotificationWorker } from '../../core/notifications/worker.js';
import { purgeOutbox } from '../../core/notifications/purge-outbox.js';
import { purgeExpiredP12Keys } from '../../core/p12/purge-keys.js';
import { SmtpMailer } from './smtp-mailer.js';
import { FetchWebhookSender } from './webhook-sender.js';

export function notificationSettings(config: Config): NotificationSettings {
  return {
    approverEmails: config['notifications.approverEmails'],
    webhookUrls: config['webhooks.urls'],
    webhookSecret: config['webhooks.secret'],
    maxAttempts: config['notifications.maxAttempts'],
    retryBaseMs: config['notifications.retrySeconds'] * 1000,
    expiryWarningDays: config['notifications.expiryWarningDays'],
    consoleUrl: `${publicUrls(config).https}/console`,
  };
}

/**
 * The admin surface's background work: the outbox worker (every notifications.pollMs), each minute
 * the expiry warnings and the erasure of P12 keys past their expiry, and every ten minutes the purge
 * of deliveries past retention.outboxDays.
 */
export function startAdminBackground(core: Core, config: Config, logger: Logger): { stop(): Promise<void> } {
  const mailer = config['smtp.host']
    ? new SmtpMailer({
        host: config['smtp.host'],
        port: config['smtp.port'],
        secure: config['smtp.secure'],
        requireTls: config['smtp.requireTls'],
        user: config['smtp.user'],
        password: config['smtp.password'],
        from: config['smtp.from'],
      })
    : null;
  const settings = notificationSettings(config);
  const worker = new NotificationWorker({
    store: core.store,
    clock: core.clock,
    settings,
    mailer,
    webhooks: new FetchWebhookSender(),
    // Only ids, channel and the transport's error: recipients' messages never carry secrets anyway.
    onError: (d, error) =>
      logger.warn(
        { delivery: d.id, channel: d.channel, attempts: d.attempts + 1, error },
        'notification delivery failed',
      ),
  });
  worker.start(config['notifications.pollMs'], (err) => logger.error({ err }, 'notification worker failed'));
  const minute = setInterval(() => {
    purgeExpiredP12Keys(core).catch((err: unknown) =>
      logger.error({ err }, 'erasing expired P12 keys failed'),
    );
    scanExpiring(core, settings.expiryWarningDays).catch((err: unknown) =>
      logger.error({ err }, 'scanning for expiring certificates failed'),
    );
  }, 60_000);
  minute.unref();
  const purge = setInterval(() => {
    purgeOutbox(core, config['retention.outboxDays']).catch((err: unknown) =>
      logger.error({ err }, 'purging delivered notifications failed'),
    );
  }, 10 * 60_000);
  purge.unref();
  return {
    stop: async () => {
      clearInterval(minute);
      clearInterval(purge);
      await worker.stop();
      mailer?.close();
    },
  };
}
