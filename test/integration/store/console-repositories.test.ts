/**
 * The console's repositories on both dialects: failed sign-ins counted by one statement each, so
 * that racing attempts neither lose a count nor lock twice; sessions ended by compare-and-set.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleUser } from '../../../src/core/console-users/console-user.js';
import type { KnexStore } from '../../../src/store/knex-store.js';
import { dialects, testStore } from '../../helpers/db.js';
import { at, uid } from './fixtures.js';

function user(overrides: Partial<ConsoleUser> = {}): ConsoleUser {
  const id = uid('u');
  return {
    id,
    username: id,
    usernameKey: id.toLowerCase(),
    role: 'operator',
    email: null,
    passwordHash: '$scrypt$ln=14,r=8,p=1$c2FsdA$aGFzaA',
    disabled: false,
    failedAttempts: 0,
    lockedUntil: null,
    createdAt: at(0),
    updatedAt: at(0),
    lastSignInAt: null,
    ...overrides,
  };
}

describe.each(dialects)('console repositories on %s', (dialect) => {
  let store: KnexStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await testStore(dialect));
  });
  afterEach(() => cleanup());

  it('When seven failures race with a threshold of five, Then exactly one locks the user and the count restarts after it', async () => {
    const u = user();
    await store.consoleUsers.create(u);
    const lockUntil = at(900);
    const results = await Promise.all(
      Array.from({ length: 7 }, () => store.consoleUsers.recordFailure(u.id, 5, lockUntil)),
    );
    expect(results.filter((r) => r.failedAttempts === 0)).toHaveLength(1);
    const after = await store.consoleUsers.get(u.id);
    expect(after).toMatchObject({ failedAttempts: 2, lockedUntil: lockUntil });
    await store.consoleUsers.recordSignIn(u.id, at(1000));
    expect(await store.consoleUsers.get(u.id)).toMatchObject({
      failedAttempts: 0,
      lockedUntil: null,
      lastSignInAt: at(1000),
    });
  });

  it('When a user name key is taken, Then a second user with it is a conflict', async () => {
    await store.consoleUsers.create(user({ usernameKey: 'same' }));
    await expect(store.consoleUsers.create(user({ usernameKey: 'same' }))).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await store.consoleUsers.count()).toBe(1);
  });

  it('When a session is ended twice, Then only the first ends it; ending all of a user ends only the open ones; finished ones are purged', async () => {
    const u = user();
    await store.consoleUsers.create(u);
    const session = (n: number) => ({
      id: uid('s'),
      tokenHash: uid('h'),
      userId: u.id,
      createdAt: at(n),
      lastSeenAt: at(n),
      expiresAt: at(n + 3600),
      endedAt: null,
      endReason: null,
      clientAddress: '127.0.0.1',
    });
    const [a, b, c] = [session(1), session(2), session(3)];
    for (const s of [a, b, c]) await store.sessions.create(s);
    expect(await store.sessions.end(a.id, at(10), 'signed-out')).toBe(true);
    expect(await store.sessions.end(a.id, at(11), 'idle')).toBe(false);
    expect(await store.sessions.endAllFor(u.id, at(12), 'user-changed')).toBe(2);
    expect(await store.sessions.findByTokenHash(a.tokenHash)).toMatchObject({
      endedAt: at(10),
      endReason: 'signed-out',
    });
    expect(await store.sessions.findByTokenHash(c.tokenHash)).toMatchObject({ endReason: 'user-changed' });

    const open = session(20);
    const expiredUnended = { ...session(0), expiresAt: at(100) };
    for (const s of [open, expiredUnended]) await store.sessions.create(s);
    expect(await store.sessions.deleteFinishedBefore(at(101))).toBe(4);
    expect(await store.sessions.findByTokenHash(open.tokenHash)).toMatchObject({ endedAt: null });
    expect(await store.sessions.findByTokenHash(a.tokenHash)).toBeNull();
  });
});
