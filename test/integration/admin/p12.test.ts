/**
 * Smart ID "Enroll P12 profile", with and without domain policies: the server makes the key, the
 * PKCS#12 comes once with a generated password shown once, openssl opens it with that password, and
 * neither the password nor the key is ever found in the database file or the log.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredP12Keys } from '../../../src/core/p12/purge-keys.js';
import { dialects } from '../../helpers/db.js';
import { openssl } from '../../helpers/pki.js';
import { adminHarness, type AdminHarness } from './harness.js';

describe.each(dialects)('P12 enrolment on %s', (dialect) => {
  let h: AdminHarness;
  let assetId: string;
  const passwords: string[] = [];
  const keysPem: string[] = [];

  beforeAll(async () => {
    h = await adminHarness(dialect);
    await h.api
      .post('/api/v1/profiles')
      .set(h.as('root'))
      .send({
        name: 'p12-open',
        status: 'active',
        settings: {
          keyPolicy: {
            algorithms: ['rsa', 'ec'],
            minRsaBits: 2048,
            ecCurves: ['P-256'],
            generate: 'rsa-2048',
          },
        },
      })
      .expect(201);
    await h.api
      .post('/api/v1/profiles')
      .set(h.as('root'))
      .send({
        name: 'p12-guarded',
        status: 'active',
        settings: {
          domainPolicy: {
            allowedSuffixes: ['corp.example.com'],
            allowWildcards: false,
            allowIpAddresses: false,
          },
          pkcs12Encryption: 'legacy-3des',
        },
      })
      .expect(201);
    await h.api
      .post('/api/v1/profiles')
      .set(h.as('root'))
      .send({
        name: 'p12-gated',
        status: 'active',
        settings: { approval: { required: true, approvers: 1, pendingTtlHours: 4 } },
      })
      .expect(201);
    assetId = (
      await h.api
        .post('/api/v1/assets')
        .set(h.as('alice'))
        .send({ name: 'laptop-3', dnsNames: ['laptop-3.corp.example.com'] })
        .expect(201)
    ).body.id;
  });
  afterAll(() => h.cleanup());

  const post = (user: keyof AdminHarness['tokens'], path: string, body: object = {}) =>
    h.api.post(`/api/v1${path}`).set(h.as(user)).send(body);

  const download = async (requestId: string, expectedEncryption: RegExp) => {
    const res = await post('alice', `/requests/${requestId}/p12`).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { password, pkcs12 } = res.body as { password: string; pkcs12: string };
    expect(password).toMatch(/^[A-Za-z2-9]{20}$/);
    passwords.push(password);
    const file = Buffer.from(pkcs12, 'base64');
    const opened = openssl(['pkcs12', '-in', 'f.p12', '-passin', `pass:${password}`, '-nodes', '-info'], {
      files: { 'f.p12': file },
    });
    expect(opened.status, opened.stderr).toBe(0);
    expect(opened.stderr).toMatch(expectedEncryption);
    expect(opened.stdout).toContain('PRIVATE KEY');
    keysPem.push(
      /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(opened.stdout)?.[0] ?? '',
    );
    const wrong = openssl(['pkcs12', '-in', 'f.p12', '-passin', 'pass:wrong', '-nodes'], {
      files: { 'f.p12': file },
    });
    expect(wrong.status).not.toBe(0);
    return { password, file, opened: opened.stdout };
  };

  it('When a P12 is enrolled for an asset without domain policy, Then the asset prefills it, the PKCS#12 (PBES2 AES-256) opens with the password shown once, and installation is confirmed', async () => {
    const res = await post('alice', '/enrollments/p12', { profile: 'p12-open', assetId }).expect(201);
    expect(res.body).toMatchObject({
      outcome: 'issued',
      request: {
        protocol: 'p12',
        dnsNames: ['laptop-3.corp.example.com'],
        subject: 'CN=laptop-3.corp.example.com',
      },
    });
    const id = res.body.request.id as string;
    expect(res.body.downloads).toEqual({ pkcs12: `/api/v1/requests/${id}/p12` });
    await post('alice', `/requests/${id}/confirm-installation`).expect(409);
    await post('root', `/requests/${id}/p12`).expect(403);
    const { opened } = await download(id, /PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256/);
    expect(opened).toMatch(/subject=.*CN ?= ?laptop-3\.corp\.example\.com/);
    expect(opened).toContain('BEGIN PRIVATE KEY');
    expect(openssl(['pkey', '-noout', '-text'], { input: keysPem.at(-1) }).stdout).toContain(
      'Private-Key: (2048 bit',
    );
    const again = await post('alice', `/requests/${id}/p12`).expect(409);
    expect(again.body).toMatchObject({
      code: 'invalid_state',
      message: 'The PKCS#12 was already downloaded',
    });
    const confirmed = await post('alice', `/requests/${id}/confirm-installation`).expect(200);
    expect(confirmed.body.installedAt).toBeTruthy();
    await post('alice', `/requests/${id}/confirm-installation`).expect(409);
    const details = await h.api.get(`/api/v1/requests/${id}`).set(h.as('dave')).expect(200);
    expect(details.body.p12).toMatchObject({
      encryption: 'aes-256',
      keyAvailable: false,
      installedBy: 'alice',
    });
    expect(details.body.audit.map((e: { action: string }) => e.action)).toEqual([
      'request.auto-approved',
      'certificate.issued',
      'p12.downloaded',
      'request.installation-confirmed',
    ]);
  });

  it('When domain policies are set, Then comma-separated DNS entries are checked, a refused name is named, and the legacy profile gives 3DES', async () => {
    const refused = await post('alice', '/enrollments/p12', {
      profile: 'p12-guarded',
      dnsNames: 'vpn.corp.example.com, vpn.example.org',
    }).expect(422);
    expect(refused.body).toMatchObject({
      code: 'domain_policy',
      details: { rule: 'suffix_not_allowed', name: 'vpn.example.org' },
    });
    expect(await h.store.p12Deliveries.get(refused.body.details.requestId)).toBeNull();
    const ok = await post('alice', '/enrollments/p12', {
      profile: 'p12-guarded',
      subject: 'CN=vpn, O=Example',
      dnsNames: 'vpn.corp.example.com, vpn2.corp.example.com',
    }).expect(201);
    expect(ok.body.request.dnsNames).toEqual(['vpn.corp.example.com', 'vpn2.corp.example.com']);
    await download(ok.body.request.id, /pbeWithSHA1And3-KeyTripleDES-CBC/);
  });

  it('When the profile needs approval, Then the download waits for it and works once approved', async () => {
    const res = await post('alice', '/enrollments/p12', {
      profile: 'p12-gated',
      dnsNames: 'kiosk.example.net',
    }).expect(202);
    const id = res.body.request.id as string;
    const early = await post('alice', `/requests/${id}/p12`).expect(409);
    expect(early.body).toMatchObject({ code: 'invalid_state', details: { status: 'pending' } });
    await post('bob', `/requests/${id}/approve`).expect(200);
    await download(id, /AES-256-CBC/);
  });

  it('When the key is not downloaded in time, Then it is erased and the download is refused', async () => {
    const res = await post('alice', '/enrollments/p12', {
      profile: 'p12-open',
      dnsNames: 'late.example.net',
    }).expect(201);
    h.clock.advance(3_600_001);
    expect(await purgeExpiredP12Keys(h.core)).toBe(1);
    const gone = await post('alice', `/requests/${res.body.request.id}/p12`).expect(409);
    expect(gone.body.message).toBe('The private key has expired and was erased');
  });

  it('When the database file and the log are searched, Then no P12 password and no private key is found', async () => {
    expect(passwords.length).toBeGreaterThanOrEqual(3);
    const log = h.logText();
    expect(log.length).toBeGreaterThan(0);
    const haystacks: Buffer[] = [Buffer.from(log)];
    if (dialect === 'sqlite') {
      const file = (h.store.knex.client as { config: { connection: { filename: string } } }).config.connection
        .filename;
      const dir = join(file, '..');
      for (const name of readdirSync(dir)) haystacks.push(readFileSync(join(dir, name)));
    } else {
      for (const table of ['audit_events', 'p12_deliveries', 'enrollment_requests', 'outbox_events']) {
        haystacks.push(Buffer.from(JSON.stringify(await h.store.knex(table).select('*'))));
      }
    }
    for (const hay of haystacks) {
      for (const password of passwords) {
        expect(hay.includes(password)).toBe(false);
        expect(hay.includes(Buffer.from(password, 'utf16le'))).toBe(false);
      }
      for (const pem of keysPem) {
        const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
        expect(der.length).toBeGreaterThan(100);
        expect(hay.includes(der)).toBe(false);
        expect(hay.includes(der.toString('base64').slice(20, 80))).toBe(false);
      }
    }
  });
});
