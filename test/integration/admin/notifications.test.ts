/**
 * Notifications through the outbox over a real SMTP server on loopback (smtp-server) and a real
 * webhook receiver: approvers hear of a new pending request, the requester of the decision, the
 * asset owner of issuance and of coming expiry; an SMTP outage delays mail but loses none.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../../src/admin/notifications/smtp-mailer.js';
import { FetchWebhookSender } from '../../../src/admin/notifications/webhook-sender.js';
import { appendAudit } from '../../../src/core/audit/audit-log.js';
import { scanExpiring } from '../../../src/core/notifications/expiry-scan.js';
import { NotificationWorker } from '../../../src/core/notifications/worker.js';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { adminHarness, type AdminHarness } from './harness.js';

interface Mail {
  to: string[];
  subject: string;
  body: string;
}

/** The message as its reader sees it: nodemailer sends long lines quoted-printable (RFC 2045 §6.7). */
function decoded(raw: string): string {
  if (!/^Content-Transfer-Encoding: quoted-printable$/im.test(raw)) return raw;
  const latin1 = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

function startSmtp(mails: Mail[], port = 0): Promise<SMTPServer & { port: number }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '',
          body: decoded(raw),
        });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve(Object.assign(server, { port: (server.server.address() as AddressInfo).port })),
    );
  });
}

const secret = 'webhook-test-secret';

describe.each(dialects)('notifications on %s', (dialect) => {
  let h: AdminHarness;
  let smtp: SMTPServer & { port: number };
  let hooks: Server;
  let worker: NotificationWorker;
  const mails: Mail[] = [];
  const webhookCalls: { event: string; valid: boolean; body: { event: string; target: { id: string } } }[] =
    [];
  let assetId: string;

  beforeAll(async () => {
    h = await adminHarness(dialect);
    smtp = await startSmtp(mails);
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const ts = String(req.headers['x-gateway-timestamp']);
        const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
        webhookCalls.push({
          event: String(req.headers['x-gateway-event']),
          valid: req.headers['x-gateway-signature'] === expected,
          body: JSON.parse(body),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    worker = new NotificationWorker({
      store: h.store,
      clock: h.clock,
      settings: {
        approverEmails: ['security@example.test'],
        webhookUrls: [`http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`],
        webhookSecret: secret,
        maxAttempts: 5,
        retryBaseMs: 1000,
        expiryWarningDays: 14,
        consoleUrl: 'https://gateway.example.test/console',
      },
      mailer: new SmtpMailer({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        requireTls: false,
        user: null,
        password: null,
        from: 'gw@example.test',
      }),
      webhooks: new FetchWebhookSender(5000),
    });
    await h.api
      .post('/api/v1/profiles')
      .set(h.as('root'))
      .send({
        name: 'gated',
        status: 'active',
        settings: { approval: { required: true, approvers: 1, pendingTtlHours: 24 } },
      })
      .expect(201);
    assetId = (
      await h.api
        .post('/api/v1/assets')
        .set(h.as('alice'))
        .send({ name: 'db-1', dnsNames: 'db-1.example.net', notifyEmail: 'owner@example.test' })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await new Promise<void>((r) => smtp.close(() => r()));
    await new Promise<void>((r) => hooks.close(() => r()));
    await h.cleanup();
  });

  const submit = async (name: string) =>
    (
      await h.api
        .post('/api/v1/enrollments/p10')
        .set(h.as('alice'))
        .send({ profile: 'gated', assetId, csr: makeCsr({ dnsNames: [name] }).pem })
        .expect(202)
    ).body.request.id as string;
  const mailsTo = (address: string) => mails.filter((m) => m.to.includes(address));

  it('When a request waits for approval, Then every approver but the requester is emailed, and webhooks are signed', async () => {
    const id = await submit('db-1.example.net');
    const run = await worker.runOnce();
    expect(run.failed).toBe(0);
    const asked = mails
      .filter((m) => m.subject.includes('Approval needed'))
      .flatMap((m) => m.to)
      .sort();
    expect(asked).toEqual([
      'bob@example.test',
      'carol@example.test',
      'root@example.test',
      'security@example.test',
    ]);
    const asking = mails.find((m) => m.subject.includes('Approval needed'))?.body;
    expect(asking).toContain(id);
    // The approver goes straight to the request's page in the console.
    expect(asking).toContain(`Open:      https://gateway.example.test/console/requests/${id}`);
    expect(webhookCalls.find((c) => c.event === 'request.submitted')).toMatchObject({
      valid: true,
      body: { target: { id } },
    });
  });

  it('When a second user approves, Then the requester is told by email and the asset owner of the issuance', async () => {
    const id = (await h.api.get('/api/v1/requests?status=pending').set(h.as('bob')).expect(200)).body.items[0]
      .id as string;
    await h.api.post(`/api/v1/requests/${id}/approve`).set(h.as('bob')).send({}).expect(200);
    await worker.runOnce();
    expect(mailsTo('alice@example.test').map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        '[Enrollment Gateway] Your enrolment request was approved',
        '[Enrollment Gateway] Certificate issued',
      ]),
    );
    expect(mailsTo('owner@example.test').map((m) => m.subject)).toContain(
      '[Enrollment Gateway] Certificate issued',
    );
    expect(webhookCalls.map((c) => c.event)).toEqual(
      expect.arrayContaining(['request.approved', 'certificate.issued']),
    );
    expect(webhookCalls.every((c) => c.valid)).toBe(true);
  });

  it('When a request is rejected, Then the requester gets the reason', async () => {
    const id = await submit('db-2.example.net');
    await h.api
      .post(`/api/v1/requests/${id}/reject`)
      .set(h.as('carol'))
      .send({ comment: 'Use the cluster name' })
      .expect(200);
    await worker.runOnce();
    const mail = mailsTo('alice@example.test').find((m) => m.subject.includes('rejected'));
    expect(mail?.body).toContain('Reason:    Use the cluster name');
  });

  it('When the SMTP server is down, Then deliveries wait and retry, and nothing is lost once it is back', async () => {
    const port = smtp.port;
    await new Promise<void>((r) => smtp.close(() => r()));
    const before = mails.length;
    await submit('db-3.example.net');
    const down = await worker.runOnce();
    expect(down.failed).toBe(4);
    const waiting = await h.api
      .get('/api/v1/notifications/deliveries?status=pending')
      .set(h.as('dave'))
      .expect(200);
    expect(waiting.body.items).toHaveLength(4);
    expect(waiting.body.items[0]).toMatchObject({ channel: 'email', attempts: 1 });
    expect(waiting.body.items[0].lastError).toBeTruthy();
    smtp = await startSmtp(mails, port);
    expect((await worker.runOnce()).sent).toBe(0); // not due before the backoff
    h.clock.advance(1500);
    const back = await worker.runOnce();
    expect(back).toMatchObject({ sent: 4, failed: 0 });
    expect(mails.length - before).toBe(4);
  });

  it('When a certificate of an asset nears expiry, Then its owner is told once', async () => {
    h.clock.advance(80 * 86_400_000);
    expect(await scanExpiring(h.core, 14)).toBe(1);
    expect(await scanExpiring(h.core, 14)).toBe(0);
    await worker.runOnce();
    expect(mailsTo('owner@example.test').filter((m) => m.subject.includes('expiring'))).toHaveLength(1);
  });

  it('When a transaction rolls back after its event, Then no notification is left in the outbox', async () => {
    await expect(
      h.store.transaction(async (tx) => {
        await appendAudit(tx, h.clock, {
          actor: 'x',
          action: 'request.approved',
          targetType: 'request',
          targetId: 'ghost',
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await h.store.outbox.unexpanded(100)).toEqual([]);
  });

  it('When neither mail nor webhooks are configured, Then events are marked fanned out at once and nothing is queued', async () => {
    const before = (await h.store.outbox.listDeliveries({ limit: 500 })).items.length;
    await submit('db-4.example.net');
    await submit('db-5.example.net');
    const silent = new NotificationWorker({
      store: h.store,
      clock: h.clock,
      settings: {
        approverEmails: ['security@example.test'],
        webhookUrls: ['http://127.0.0.1:9/never'],
        webhookSecret: null,
        maxAttempts: 5,
        retryBaseMs: 1000,
        expiryWarningDays: 14,
        consoleUrl: null,
      },
      mailer: null,
      webhooks: new FetchWebhookSender(5000),
    });
    expect(await silent.runOnce()).toEqual({ expanded: 0, sent: 0, failed: 0 });
    expect(await h.store.outbox.unexpanded(100)).toEqual([]);
    expect((await h.store.outbox.listDeliveries({ limit: 500 })).items).toHaveLength(before);
  });
});
