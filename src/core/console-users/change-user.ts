import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import type { Role } from '../tokens/token.js';
import type { ConsoleUser } from './console-user.js';
import { checkEmail, checkRole, syncPrincipal } from './create-user.js';
import { checkPasswordPolicy, hashPassword } from './password.js';

export interface ChangeConsoleUserInput {
  id: string;
  role?: Role;
  /** null clears it. */
  email?: string | null;
  disabled?: boolean;
  password?: string;
  actor: string;
  clientAddress?: string | null;
}

/**
 * Changes a console user. A new role applies to their open sessions at the next call (a session
 * reads the user every time); disabling them or setting a new password ends those sessions, and a new
 * password also lifts a lockout (the admin who sets it has vouched for the person).
 */
export async function changeConsoleUser(
  deps: { store: Store; clock: Clock },
  input: ChangeConsoleUserInput,
): Promise<ConsoleUser> {
  const role = input.role === undefined ? undefined : checkRole(input.role);
  const email = input.email === undefined ? undefined : checkEmail(input.email);
  if (input.password !== undefined) checkPasswordPolicy(input.password);
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return deps.store.transaction(async (tx) => {
    const user = await tx.consoleUsers.get(input.id);
    if (!user) throw new CoreError('not_found', 'No such console user');
    const now = deps.clock.now();
    const changed: string[] = [];
    const next: ConsoleUser = { ...user, updatedAt: now };
    if (role !== undefined && role !== user.role) {
      next.role = role;
      changed.push('role');
    }
    if (email !== undefined && email !== user.email) {
      next.email = email;
      changed.push('email');
    }
    if (input.disabled !== undefined && input.disabled !== user.disabled) {
      next.disabled = input.disabled;
      changed.push('disabled');
    }
    if (passwordHash !== undefined) {
      next.passwordHash = passwordHash;
      next.failedAttempts = 0;
      next.lockedUntil = null;
      changed.push('password');
    }
    if (changed.length === 0) return user;
    await tx.consoleUsers.update(next);
    await syncPrincipal(tx, next, now);
    const endsSessions = next.disabled || passwordHash !== undefined;
    const ended = endsSessions ? await tx.sessions.endAllFor(user.id, now, 'user-changed') : 0;
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'console-user.changed',
      targetType: 'console-user',
      targetId: user.id,
      data: {
        username: user.username,
        changed,
        role: next.role,
        disabled: next.disabled,
        sessionsEnded: ended,
        clientAddress: input.clientAddress ?? null,
      },
    });
    return next;
  });
}
