import { randomUUID } from 'node:crypto';
import { appendAudit, appendAuditEvents } from '../audit/audit-log.js';
import type { ConsoleSettings, ConsoleUser } from '../console-users/console-user.js';
import { burnPasswordHash, needsRehash, hashPassword, verifyPassword } from '../console-users/password.js';
import { maxUsernameLength, usernameKey } from '../console-users/username.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import { csrfTokenOf, hashSessionToken, newSessionToken, type ConsoleSession } from './session.js';

export interface SessionDeps {
  store: Store;
  clock: Clock;
  console: ConsoleSettings;
}

export interface SignInInput {
  username: string;
  password: string;
  clientAddress: string | null;
}

/** A session as its holder sees it: the cookie value and the CSRF token are returned here only. */
export interface OpenSession {
  token: string;
  csrfToken: string;
  session: ConsoleSession;
  user: ConsoleUser;
}

function locked(user: Pick<ConsoleUser, 'lockedUntil'>): CoreError {
  return new CoreError(
    'account_locked',
    `Too many failed sign-ins: the account is locked until ${user.lockedUntil?.toISOString() ?? ''}`,
    { details: { lockedUntil: user.lockedUntil?.toISOString() ?? null } },
  );
}

const invalid = () => new CoreError('invalid_credentials');

/**
 * Signs a console user in. Every outcome is in the audit log with the client address. An unknown
 * user name, a disabled user and a wrong password give the same answer after the same work (one
 * scrypt and one audit write), so neither the answer nor its time tells which names exist; a locked
 * account says so (423), as the console must tell the person when to come back.
 */
export async function signIn(deps: SessionDeps, input: SignInInput): Promise<OpenSession> {
  const { store, clock } = deps;
  const typed = [...input.username.normalize('NFKC').trim()];
  // What the audit log records of the name typed: no longer than any real user name.
  const attempted = typed.slice(0, maxUsernameLength).join('');
  const user =
    typed.length > 0 && typed.length <= maxUsernameLength
      ? await store.consoleUsers.findByUsernameKey(usernameKey(attempted))
      : null;
  const now = clock.now();
  const failure = (reason: string, extra: Record<string, unknown> = {}) => ({
    actor: user?.username ?? 'anonymous',
    action: 'session.sign-in-failed',
    targetType: 'console-user',
    targetId: user?.id ?? '',
    data: { username: attempted, reason, clientAddress: input.clientAddress, ...extra },
  });

  if (!user) {
    await burnPasswordHash(input.password);
    await store.transaction((tx) => appendAudit(tx, clock, failure('unknown-user')));
    throw invalid();
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await burnPasswordHash(input.password);
    await store.transaction((tx) => appendAudit(tx, clock, failure('locked')));
    throw locked(user);
  }
  const matches = await verifyPassword(input.password, user.passwordHash);
  if (user.disabled) {
    await store.transaction((tx) => appendAudit(tx, clock, failure('disabled')));
    throw invalid();
  }
  if (!matches) {
    const threshold = deps.console.lockoutThreshold;
    const lockUntil = new Date(now.getTime() + deps.console.lockoutMinutes * 60_000);
    const after = await store.transaction(async (tx) => {
      const counted = await tx.consoleUsers.recordFailure(user.id, threshold, lockUntil);
      const nowLocked = counted.lockedUntil !== null && counted.lockedUntil > now;
      await appendAuditEvents(tx, clock, [
        failure('wrong-password', { failedAttempts: nowLocked ? threshold : counted.failedAttempts }),
        ...(nowLocked
          ? [
              {
                actor: 'system',
                action: 'console-user.locked',
                targetType: 'console-user',
                targetId: user.id,
                data: {
                  username: user.username,
                  failedAttempts: threshold,
                  lockedUntil: counted.lockedUntil?.toISOString() ?? null,
                  clientAddress: input.clientAddress,
                },
              },
            ]
          : []),
      ]);
      return { counted, nowLocked };
    });
    if (after.nowLocked) throw locked(after.counted);
    throw invalid();
  }

  // Parameters raised since the hash was made: re-hash now, while the password is at hand.
  const rehashed = needsRehash(user.passwordHash) ? await hashPassword(input.password) : undefined;
  const token = newSessionToken();
  const session: ConsoleSession = {
    id: randomUUID(),
    tokenHash: hashSessionToken(token),
    userId: user.id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + deps.console.sessionMaxHours * 3_600_000),
    endedAt: null,
    endReason: null,
    clientAddress: input.clientAddress,
  };
  await store.transaction(async (tx) => {
    await tx.consoleUsers.recordSignIn(user.id, now, rehashed);
    await tx.sessions.create(session);
    await appendAudit(tx, clock, {
      actor: user.username,
      action: 'session.signed-in',
      targetType: 'console-user',
      targetId: user.id,
      data: { session: session.id, clientAddress: input.clientAddress },
    });
  });
  const signedIn: ConsoleUser = {
    ...user,
    failedAttempts: 0,
    lockedUntil: null,
    lastSignInAt: now,
    passwordHash: rehashed ?? user.passwordHash,
  };
  return { token, csrfToken: csrfTokenOf(token), session, user: signedIn };
}
