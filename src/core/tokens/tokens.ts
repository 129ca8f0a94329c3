import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import { assertNameText } from '../policy/name-text.js';
import type { Clock, Store } from '../ports.js';
import { roles, type ApiToken, type Role } from './token.js';

const prefix = 'egw_';

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Creates an API token; the token itself is returned once and only its SHA-256 is stored. */
export async function createToken(
  deps: { store: Store; clock: Clock },
  input: { subject: string; role: Role; actor: string; ttlDays?: number | null },
): Promise<{ token: string; record: ApiToken }> {
  if (!roles.includes(input.role)) throw new CoreError('invalid_input', `Unknown role "${input.role}"`);
  if (!input.subject.trim())
    throw new CoreError('invalid_input', 'A token needs a subject (user or service name)');
  // A subject is shown to approvers and written in the audit log: it must read as what it is.
  assertNameText('The token subject', input.subject);
  const now = deps.clock.now();
  const token = prefix + randomBytes(32).toString('base64url');
  const record: ApiToken = {
    id: randomUUID(),
    subject: input.subject.trim(),
    role: input.role,
    tokenHash: hashToken(token),
    expiresAt: input.ttlDays ? new Date(now.getTime() + input.ttlDays * 86_400_000) : null,
    createdAt: now,
    lastUsedAt: null,
  };
  await deps.store.transaction(async (tx) => {
    await tx.tokens.create(record);
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'token.created',
      targetType: 'token',
      targetId: record.id,
      data: {
        subject: record.subject,
        role: record.role,
        expiresAt: record.expiresAt?.toISOString() ?? null,
      },
    });
  });
  return { token, record };
}

export async function authenticateToken(
  deps: { store: Store; clock: Clock },
  token: string,
): Promise<ApiToken> {
  if (!token.startsWith(prefix)) throw new CoreError('unauthorized', 'Malformed API token');
  const record = await deps.store.tokens.findByHash(hashToken(token));
  const now = deps.clock.now();
  if (!record) throw new CoreError('unauthorized', 'Unknown API token');
  if (record.expiresAt && record.expiresAt <= now)
    throw new CoreError('unauthorized', 'The API token has expired');
  await deps.store.tokens.touch(record.id, now);
  return record;
}
