/**
 * The admin API called from a console session: CSRF on every state-changing call, Bearer tokens as
 * before, the session user's role and name (permissions, self-approval), and console user management.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { asSession, consoleUser, password, signIn, type SignedIn } from './console.js';
import { adminHarness, type AdminHarness } from './harness.js';

describe.each(dialects)('the admin API with a console session on %s', (dialect) => {
  let h: AdminHarness;
  let admin: SignedIn;
  beforeAll(async () => {
    h = await adminHarness(dialect);
    await consoleUser(h, 'fran', 'admin');
    admin = await signIn(h, 'fran');
  });
  afterAll(() => h.cleanup());

  const profileNames = async () =>
    (await h.api.get('/api/v1/profiles?limit=500').set(h.as('root')).expect(200)).body.items.map(
      (p: { name: string }) => p.name,
    );

  it('When a state-changing call carries the cookie without X-CSRF-Token or with a wrong one, Then 403 csrf_token_invalid and nothing changes', async () => {
    const missing = await h.api
      .post('/api/v1/profiles')
      .set('Cookie', admin.cookie)
      .send({ name: 'forged-1', status: 'active' });
    expect(missing.status).toBe(403);
    expect(missing.body.code).toBe('csrf_token_invalid');
    const other = await signIn(h, 'fran');
    for (const wrong of ['', 'x', admin.csrf.slice(1), other.csrf]) {
      const res = await h.api
        .post('/api/v1/profiles')
        .set({ Cookie: admin.cookie, 'X-CSRF-Token': wrong })
        .send({ name: 'forged-2', status: 'active' });
      expect(res.status, wrong).toBe(403);
      expect(res.body.code).toBe('csrf_token_invalid');
    }
    const patch = await h.api
      .patch('/api/v1/profiles/default')
      .set('Cookie', admin.cookie)
      .send({ settings: { validityDays: 1 } });
    expect(patch.body.code).toBe('csrf_token_invalid');
    const signOut = await h.api.delete('/api/v1/session').set('Cookie', admin.cookie);
    expect(signOut.body.code).toBe('csrf_token_invalid');
    expect(await profileNames()).not.toEqual(expect.arrayContaining(['forged-1']));
    expect(await profileNames()).not.toEqual(expect.arrayContaining(['forged-2']));
    // Still signed in: the refused sign-out ended nothing.
    await h.api.get('/api/v1/session').set('Cookie', admin.cookie).expect(200);

    await h.api.post('/api/v1/profiles').set(asSession(admin)).send({ name: 'by-fran' }).expect(201);
    const audit = await h.api
      .get('/api/v1/audit?action=profile.created&limit=500')
      .set(h.as('root'))
      .expect(200);
    const created = (audit.body.items as { actor: string; data: { name?: string } }[]).find(
      (e) => e.data.name === 'by-fran',
    );
    expect(created?.actor).toBe('fran');
    // Reading needs no CSRF token.
    await h.api.get('/api/v1/profiles').set('Cookie', admin.cookie).expect(200);
  });

  it('When a call is made with a Bearer token, Then it needs no CSRF token, even with a session cookie beside it', async () => {
    await h.api.post('/api/v1/profiles').set(h.as('root')).send({ name: 'by-token' }).expect(201);
    const both = await h.api
      .post('/api/v1/profiles')
      .set({ ...h.as('root'), Cookie: admin.cookie })
      .send({ name: 'by-token-2' })
      .expect(201);
    const audit = await h.api
      .get('/api/v1/audit?action=profile.created&limit=500')
      .set(h.as('root'))
      .expect(200);
    const actor = (audit.body.items as { actor: string; targetId: string }[]).find(
      (e) => e.targetId === both.body.id,
    )?.actor;
    expect(actor).toBe('root');
    const bad = await h.api
      .post('/api/v1/profiles')
      .set({ Authorization: 'Bearer egw_unknown', Cookie: admin.cookie })
      .send({ name: 'by-token-3' });
    expect(bad.body.code).toBe('unauthorized');
  });

  it('When session users of each role call the API, Then the token permission table applies to them', async () => {
    await consoleUser(h, 'oscar', 'operator');
    await consoleUser(h, 'audrey', 'auditor');
    await consoleUser(h, 'april', 'approver');
    const operator = await signIn(h, 'oscar');
    const auditor = await signIn(h, 'audrey');
    const approver = await signIn(h, 'april');
    const forbidden = await h.api.post('/api/v1/profiles').set(asSession(operator)).send({ name: 'nope' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'forbidden', details: { role: 'operator' } });
    await h.api.get('/api/v1/profiles').set('Cookie', operator.cookie).expect(200);
    expect((await h.api.get('/api/v1/audit').set('Cookie', operator.cookie)).status).toBe(403);
    await h.api.get('/api/v1/audit').set('Cookie', auditor.cookie).expect(200);
    const enrol = await h.api
      .post('/api/v1/enrollments/p10')
      .set(asSession(auditor))
      .send({ profile: 'default', csr: makeCsr({ dnsNames: ['a.example'] }).pem });
    expect(enrol.body.code).toBe('forbidden');
    expect((await h.api.get('/api/v1/console-users').set('Cookie', approver.cookie)).body.code).toBe(
      'forbidden',
    );
    await h.api.get('/api/v1/console-users').set('Cookie', admin.cookie).expect(200);
  });

  it('When a session user submitted a P10, Then they may not approve it themselves; another approver may', async () => {
    await h.api
      .post('/api/v1/profiles')
      .set(h.as('root'))
      .send({
        name: 'gated',
        status: 'active',
        settings: { approval: { required: true, approvers: 1, pendingTtlHours: 24 } },
      })
      .expect(201);
    const submitted = await h.api
      .post('/api/v1/enrollments/p10')
      .set(asSession(admin))
      .send({ profile: 'gated', csr: makeCsr({ dnsNames: ['self.example'] }).pem })
      .expect(202);
    const id = submitted.body.request.id as string;
    expect(submitted.body.request.requester).toBe('fran');
    const own = await h.api.post(`/api/v1/requests/${id}/approve`).set(asSession(admin)).send({});
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('self_approval');
    // The same person through an API token of the same name is the same requester.
    const { token } = await h.core.createToken({ subject: 'fran', role: 'approver', actor: 'root' });
    const viaToken = await h.api
      .post(`/api/v1/requests/${id}/approve`)
      .set('Authorization', `Bearer ${token}`);
    expect(viaToken.body.code).toBe('self_approval');
    const approver = await signIn(h, 'april');
    const approved = await h.api.post(`/api/v1/requests/${id}/approve`).set(asSession(approver)).send({});
    expect(approved.status).toBe(200);
    expect(approved.body.outcome).toBe('issued');
  });

  it('When an admin creates a console user without a password, Then one is generated, shown once and works; no hash is ever listed', async () => {
    const created = await h.api
      .post('/api/v1/console-users')
      .set(asSession(admin))
      .send({ username: 'Gina', role: 'operator', email: 'gina@example.test' })
      .expect(201);
    expect(created.body).toMatchObject({
      username: 'Gina',
      role: 'operator',
      email: 'gina@example.test',
      disabled: false,
    });
    const initial = created.body.initialPassword as string;
    expect(initial).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const gina = await signIn(h, 'gina', initial);
    expect(gina.body).toMatchObject({
      user: { username: 'Gina', role: 'operator', email: 'gina@example.test' },
    });

    const list = await h.api.get('/api/v1/console-users').set('Cookie', admin.cookie).expect(200);
    const listed = (list.body.items as { username: string }[]).find((u) => u.username === 'Gina');
    expect(listed).toMatchObject({ role: 'operator', lastSignInAt: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|initialPassword|password/i);

    const withPassword = await h.api
      .post('/api/v1/console-users')
      .set(h.as('root'))
      .send({ username: 'hank', role: 'auditor', password: 'a chosen long password' })
      .expect(201);
    expect(withPassword.body.initialPassword).toBeUndefined();
    await signIn(h, 'hank', 'a chosen long password');
    const short = await h.api
      .post('/api/v1/console-users')
      .set(h.as('root'))
      .send({ username: 'ivy', role: 'auditor', password: 'short' });
    expect(short.body).toMatchObject({ code: 'invalid_input', details: { field: 'password' } });
    const audit = await h.api.get('/api/v1/audit?action=console-user.created&limit=500').set(h.as('root'));
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: 'fran',
          data: expect.objectContaining({ username: 'Gina', passwordGenerated: true }),
        }),
      ]),
    );
    expect(JSON.stringify(audit.body)).not.toContain(initial);
  });

  it('When user names differ only by case or width, Then they are one user; spaces, control and bidi characters are refused', async () => {
    for (const username of ['GINA', 'ｇｉｎａ']) {
      const dup = await h.api
        .post('/api/v1/console-users')
        .set(h.as('root'))
        .send({ username, role: 'auditor' });
      expect(dup.status, username).toBe(409);
      expect(dup.body.code).toBe('conflict');
    }
    await consoleUser(h, 'jo', 'auditor');
    await signIn(h, 'ＪＯ');
    for (const username of ['a b', 'evil\u202Eexe', 'zero\u200Bwidth', 'tab\tname', 'system']) {
      const res = await h.api
        .post('/api/v1/console-users')
        .set(h.as('root'))
        .send({ username, role: 'auditor' });
      expect(res.status, JSON.stringify(username)).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_input', details: { field: 'username' } });
    }
  });

  it('When an admin changes a user, Then a new role applies at once, and disabling or a new password ends their sessions', async () => {
    const id = await consoleUser(h, 'kim', 'auditor');
    const kim = await signIn(h, 'kim');
    await h.api.get('/api/v1/audit').set('Cookie', kim.cookie).expect(200);
    const promoted = await h.api
      .patch(`/api/v1/console-users/${id}`)
      .set(asSession(admin))
      .send({ role: 'operator' })
      .expect(200);
    expect(promoted.body.role).toBe('operator');
    expect((await h.api.get('/api/v1/audit').set('Cookie', kim.cookie)).body.code).toBe('forbidden');

    await h.api
      .patch(`/api/v1/console-users/${id}`)
      .set(asSession(admin))
      .send({ disabled: true })
      .expect(200);
    await h.api.get('/api/v1/session').set('Cookie', kim.cookie).expect(401);
    const refused = await h.api.post('/api/v1/session').send({ username: 'kim', password });
    expect(refused.body.code).toBe('invalid_credentials');
    await h.api
      .patch(`/api/v1/console-users/${id}`)
      .set(asSession(admin))
      .send({ disabled: false })
      .expect(200);
    const back = await signIn(h, 'kim');
    await h.api
      .patch(`/api/v1/console-users/${id}`)
      .set(asSession(admin))
      .send({ password: 'a brand new password' })
      .expect(200);
    await h.api.get('/api/v1/session').set('Cookie', back.cookie).expect(401);
    await signIn(h, 'kim', 'a brand new password');
    const changes = await h.api.get('/api/v1/audit?action=console-user.changed&limit=500').set(h.as('root'));
    expect((changes.body.items as { data: { changed: string[] } }[]).map((e) => e.data.changed)).toEqual([
      ['role'],
      ['disabled'],
      ['disabled'],
      ['password'],
    ]);
    const missing = await h.api
      .patch('/api/v1/console-users/no-such')
      .set(h.as('root'))
      .send({ role: 'admin' });
    expect(missing.status).toBe(404);
  });
});
