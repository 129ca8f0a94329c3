import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Repositories, Store } from '../ports.js';
import { roles, type Role } from '../tokens/token.js';
import type { ConsoleUser } from './console-user.js';
import { checkPasswordPolicy, generatePassword, hashPassword } from './password.js';
import { normaliseUsername, usernameKey } from './username.js';

export interface CreateConsoleUserInput {
  username: string;
  role: Role;
  email?: string | null;
  /** Absent: one is generated and returned once. */
  password?: string | null;
  actor: string;
  clientAddress?: string | null;
}

export function checkRole(role: string): Role {
  if (!roles.includes(role as Role)) {
    throw new CoreError('invalid_input', `Unknown role "${role}"`, { details: { field: 'role' } });
  }
  return role as Role;
}

export function checkEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim() || null;
  if (trimmed && (trimmed.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(trimmed))) {
    throw new CoreError('invalid_input', 'The email address is malformed', { details: { field: 'email' } });
  }
  return trimmed;
}

/**
 * The user is also the principal of that name (role and notification address), as a token's subject
 * is, so approvers signed in to the console are asked about pending requests like token holders.
 */
export async function syncPrincipal(tx: Repositories, user: ConsoleUser, at: Date): Promise<void> {
  const existing = await tx.principals.get(user.username);
  await tx.principals.upsert({
    subject: user.username,
    role: user.role,
    email: user.email,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
  });
}

/** Creates a console user; a generated password is returned once and only its scrypt hash is stored. */
export async function createConsoleUser(
  deps: { store: Store; clock: Clock },
  input: CreateConsoleUserInput,
): Promise<{ user: ConsoleUser; initialPassword: string | null }> {
  const username = normaliseUsername(input.username);
  const role = checkRole(input.role);
  const email = checkEmail(input.email);
  const initialPassword = input.password ? null : generatePassword();
  const password = input.password ?? initialPassword ?? '';
  checkPasswordPolicy(password);
  const passwordHash = await hashPassword(password);
  const now = deps.clock.now();
  const user: ConsoleUser = {
    id: randomUUID(),
    username,
    usernameKey: usernameKey(username),
    role,
    email,
    passwordHash,
    disabled: false,
    failedAttempts: 0,
    lockedUntil: null,
    createdAt: now,
    updatedAt: now,
    lastSignInAt: null,
  };
  await deps.store.transaction(async (tx) => {
    try {
      await tx.consoleUsers.create(user);
    } catch (err) {
      if (err instanceof CoreError && err.code === 'conflict') {
        throw new CoreError('conflict', `A console user named "${username}" already exists`, {
          details: { field: 'username' },
          cause: err,
        });
      }
      throw err;
    }
    await syncPrincipal(tx, user, now);
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'console-user.created',
      targetType: 'console-user',
      targetId: user.id,
      data: {
        username,
        role,
        hasEmail: email !== null,
        passwordGenerated: initialPassword !== null,
        clientAddress: input.clientAddress ?? null,
      },
    });
  });
  return { user, initialPassword };
}
