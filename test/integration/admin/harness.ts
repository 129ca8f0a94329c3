/** An admin API on a real store and CA, driven by supertest, with one token per role. */
import { PassThrough } from 'node:stream';
import supertest from 'supertest';
import type { Response } from 'superagent';
import { buildApp } from '../../../src/app.js';
import { savePrincipal } from '../../../src/core/principals/save-principal.js';
import type { Role } from '../../../src/core/tokens/token.js';
import { createLogger } from '../../../src/http/logger.js';
import type { TestDialect } from '../../helpers/db.js';
import { testCore, type TestCore } from '../../helpers/core.js';

export interface AdminHarness extends TestCore {
  api: ReturnType<typeof supertest>;
  /** Tokens by user: alice (operator), bob and carol (approvers), dave (auditor), root (admin). */
  tokens: Record<'root' | 'alice' | 'bob' | 'carol' | 'dave', string>;
  as(user: keyof AdminHarness['tokens']): { Authorization: string };
  logText(): string;
}

type Parser = (res: Response, callback: (err: Error | null, body: unknown) => void) => void;

/** supertest parsers for raw bodies (downloads, JSON lines). */
export const binary: Parser = (res, callback) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
};
export const text: Parser = (res, callback) =>
  binary(res, (err, body) => callback(err, (body as Buffer).toString('utf8')));

export const urls = { https: 'https://gw.test:8443', http: 'http://gw.test:8080' };

/** `notificationChannels`: whether the API is told that mail or webhooks are configured (default not). */
export async function adminHarness(
  dialect: TestDialect,
  options: { notificationChannels?: boolean } = {},
): Promise<AdminHarness> {
  const t = await testCore(dialect);
  const logs = new PassThrough();
  let logText = '';
  logs.on('data', (chunk: Buffer) => (logText += chunk.toString()));
  const apps = buildApp({
    core: t.core,
    ca: t.ca,
    logger: createLogger('debug', logs),
    bodyLimit: '256kb',
    admin: { urls, p12KeyTtlMs: 3_600_000, notificationChannels: options.notificationChannels },
  });
  const users: [keyof AdminHarness['tokens'], Role][] = [
    ['root', 'admin'],
    ['alice', 'operator'],
    ['bob', 'approver'],
    ['carol', 'approver'],
    ['dave', 'auditor'],
  ];
  const tokens = {} as AdminHarness['tokens'];
  for (const [subject, role] of users) {
    tokens[subject] = (await t.core.createToken({ subject, role, actor: 'system' })).token;
    await savePrincipal(t.core, { subject, role, email: `${subject}@example.test`, actor: 'system' });
  }
  return {
    ...t,
    api: supertest(apps.https),
    tokens,
    as: (user) => ({ Authorization: `Bearer ${tokens[user]}` }),
    logText: () => logText,
  };
}
