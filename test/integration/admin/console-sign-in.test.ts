/**
 * Console sign-in through the admin API: the cookie, wrong passwords, lockout, idle and absolute
 * expiry on the core's clock, sign-out, the audit trail, and what the database and the log hold.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRows } from '../../../src/store/repositories/shared.js';
import { dialects } from '../../helpers/db.js';
import { consoleUser, password, signIn } from './console.js';
import { adminHarness, type AdminHarness } from './harness.js';

const minute = 60_000;

describe.each(dialects)('console sign-in on %s', (dialect) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await adminHarness(dialect);
    await consoleUser(h, 'Erin', 'approver');
  });
  afterAll(() => h.cleanup());

  const session = (cookie: string) => h.api.get('/api/v1/session').set('Cookie', cookie);
  const events = async (action: string) =>
    (await h.store.audit.list({ limit: 10_000 })).filter((e) => e.action === action);

  it('When a user signs in, Then the answer carries the user, a CSRF token and the limits, and an HttpOnly, Secure, SameSite=Strict cookie for / that opens the API', async () => {
    const s = await signIn(h, 'erin');
    expect(s.body).toMatchObject({
      user: { username: 'Erin', role: 'approver' },
      idleTimeoutSeconds: 30 * 60,
      expiresAt: new Date(h.clock.now().getTime() + 12 * 3_600_000).toISOString(),
    });
    expect(s.csrf).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const attributes = s.setCookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/']));
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);

    const again = await session(s.cookie).expect(200);
    expect(again.body).toEqual(s.body);
    const me = await h.api.get('/api/v1/whoami').set('Cookie', s.cookie).expect(200);
    expect(me.body).toMatchObject({ subject: 'Erin', role: 'approver' });
    expect((await session('egw_session=not-a-session').expect(401)).body.code).toBe('unauthorized');
    expect((await h.api.get('/api/v1/session').expect(401)).body.code).toBe('unauthorized');
  });

  it('When the password is wrong or the user unknown, Then both get the same 401 invalid_credentials and no cookie', async () => {
    const wrong = await h.api.post('/api/v1/session').send({ username: 'erin', password: 'not it at all' });
    const unknown = await h.api.post('/api/v1/session').send({ username: 'nobody', password });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'invalid_credentials', message: 'Wrong user name or password' });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // A form post (no JSON) cannot sign a browser in: login CSRF needs a cross-site JSON body.
    const form = await h.api
      .post('/api/v1/session')
      .type('form')
      .send(`username=erin&password=${encodeURIComponent(password)}`);
    expect(form.status).toBe(400);
    expect(form.body.code).toBe('invalid_input');
    // A success resets the count: these failures do not add to the next test's.
    await signIn(h, 'erin');
  });

  it('When a user fails the threshold of times in a row, Then 423 account_locked until lockoutMinutes later on the core clock, even with the right password', async () => {
    await consoleUser(h, 'locky', 'operator');
    const attempt = (pass: string) =>
      h.api.post('/api/v1/session').send({ username: 'locky', password: pass });
    for (let i = 1; i < 5; i++) expect((await attempt(`wrong password ${i}`)).status).toBe(401);
    const lockedAt = h.clock.now();
    const fifth = await attempt('wrong password 5');
    expect(fifth.status).toBe(423);
    const lockedUntil = new Date(lockedAt.getTime() + 15 * minute).toISOString();
    expect(fifth.body).toMatchObject({ code: 'account_locked', details: { lockedUntil } });

    const right = await attempt(password);
    expect(right.status).toBe(423);
    expect(right.headers['set-cookie']).toBeUndefined();
    h.clock.advance(15 * minute - 1000);
    expect((await attempt(password)).status).toBe(423);
    h.clock.advance(1000);
    expect((await attempt(password)).status).toBe(200);

    const locks = await events('console-user.locked');
    expect(locks.at(-1)?.data).toMatchObject({ username: 'locky', failedAttempts: 5, lockedUntil });
    const refused = (await events('session.sign-in-failed')).filter((e) => e.data.username === 'locky');
    expect(refused.map((e) => e.data.reason)).toEqual([
      ...Array<string>(5).fill('wrong-password'),
      'locked',
      'locked',
    ]);
  });

  it('When a session is idle for sessionIdleMinutes, Then it ends; calls within the window keep it open', async () => {
    const s = await signIn(h, 'erin');
    h.clock.advance(29 * minute);
    await session(s.cookie).expect(200);
    h.clock.advance(29 * minute);
    await session(s.cookie).expect(200);
    h.clock.advance(30 * minute);
    const idle = await session(s.cookie).expect(401);
    expect(idle.body).toMatchObject({ code: 'unauthorized' });
    expect(idle.body.message).toMatch(/30 minutes without activity/);
    // Ended for good: going back in activity does not revive it.
    await session(s.cookie).expect(401);
  });

  it('When a session stays active, Then it still ends sessionMaxHours after sign-in', async () => {
    const s = await signIn(h, 'erin');
    for (let elapsed = 25; elapsed < 12 * 60; elapsed += 25) {
      h.clock.advance(25 * minute);
      await session(s.cookie).expect(200);
    }
    h.clock.advance(25 * minute);
    const over = await session(s.cookie).expect(401);
    expect(over.body.message).toMatch(/12-hour limit/);
  });

  it('When a user signs out, Then the session ends in the store, the cookie is cleared and no longer opens anything', async () => {
    const s = await signIn(h, 'erin');
    const out = await h.api
      .delete('/api/v1/session')
      .set({ Cookie: s.cookie, 'X-CSRF-Token': s.csrf })
      .expect(204);
    const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? [])[0] ?? '';
    expect(cleared).toMatch(/^egw_session=;/);
    expect(cleared).toMatch(/Max-Age=0/);
    await session(s.cookie).expect(401);
    await h.api.get('/api/v1/whoami').set('Cookie', s.cookie).expect(401);
    // Signing out again, or without a session, is harmless.
    await h.api.delete('/api/v1/session').set('Cookie', s.cookie).expect(204);
    await h.api.delete('/api/v1/session').expect(204);
  });

  it('When users sign in, fail and sign out, Then each is in the audit log with the client address, and no password or cookie value is in it or in the log', async () => {
    const s = await signIn(h, 'erin');
    await h.api.delete('/api/v1/session').set({ Cookie: s.cookie, 'X-CSRF-Token': s.csrf }).expect(204);
    const [signedIn] = (await events('session.signed-in')).slice(-1);
    const [signedOut] = (await events('session.signed-out')).slice(-1);
    const [failed] = (await events('session.sign-in-failed')).filter((e) => e.data.reason === 'unknown-user');
    expect(signedIn).toMatchObject({ actor: 'Erin', targetType: 'console-user' });
    expect(signedOut).toMatchObject({ actor: 'Erin', data: { session: signedIn?.data.session } });
    expect(failed).toMatchObject({ actor: 'anonymous', data: { username: 'nobody' } });
    for (const e of [signedIn, signedOut, failed])
      expect(String(e?.data.clientAddress)).toMatch(/127\.0\.0\.1|::1/);
    const audit = JSON.stringify(await h.store.audit.list({ limit: 10_000 }));
    for (const secret of [password, s.token, s.csrf]) {
      expect(audit).not.toContain(secret);
      expect(h.logText()).not.toContain(secret);
    }
  });

  it('When the database is searched for a password and a live session cookie, Then neither is there in clear: only a scrypt hash and a SHA-256', async () => {
    const s = await signIn(h, 'erin');
    const knex = h.store.knex;
    const tables =
      dialect === 'sqlite'
        ? rawRows<{ name: string }>(await knex.raw("select name from sqlite_master where type = 'table'"))
        : rawRows<{ name: string }>(
            await knex.raw(
              'select table_name as name from information_schema.tables where table_schema = current_schema()',
            ),
          );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['console_users', 'console_sessions']));
    let dump = '';
    for (const { name } of tables) dump += JSON.stringify(await knex(name).select('*'));
    if (dialect === 'sqlite') {
      const file = (knex.client.config as { connection: { filename: string } }).connection.filename;
      for (const path of [file, `${file}-wal`])
        if (existsSync(path)) dump += readFileSync(path).toString('latin1');
    }
    expect(dump).toContain('$scrypt$ln=14,r=8,p=1$');
    for (const secret of [password, s.token, s.csrf]) expect(dump).not.toContain(secret);
    const user = await knex('console_users').where({ username: 'Erin' }).first();
    expect(String(user.password_hash)).toMatch(
      /^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
  });
});
