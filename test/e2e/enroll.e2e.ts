/**
 * The Smart ID "Enroll profile" walk in a real Chromium against the built gateway: P10 from a profile
 * (a pasted CSR, its parsed view, edited names, a domain-policy refusal naming the rule, issuance and
 * the PEM download), P12 from an asset (the password step: shown once, the checkbox gates Next, the
 * download opens with openssl and that password, installation confirmed) and a P12 that waits for
 * approval. axe-core runs on every page visited; no request may leave the gateway's origin.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCsr } from '../helpers/pki.js';
import { axeViolations, openBrowser, type Session } from './browser.js';
import { api, startGateway, type Gateway } from './gateway.js';

const screenshots = resolve(import.meta.dirname, '../../docs/console');

let gw: Gateway;
let browser: Session;
let page: Page;

async function expectAccessible(what: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${what}: serious or critical axe-core violations`).toEqual([]);
}

async function openEnroll(): Promise<void> {
  // From another page (the Enroll page keeps its state while shown), then the header's link by
  // keyboard: it is focusable and Enter follows it.
  const nav = page.getByRole('navigation', { name: 'Console' });
  await nav.getByRole('link', { name: 'Enrollments', exact: true }).click();
  await page.getByRole('heading', { name: 'Enrollments' }).waitFor();
  await page
    .getByRole('navigation', { name: 'Console' })
    .getByRole('link', { name: 'Enroll', exact: true })
    .focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Enroll profile' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/console/enroll');
  expect(await page.getByRole('link', { name: 'Enroll', exact: true }).getAttribute('aria-current')).toBe(
    'page',
  );
  await page.locator('.loading').waitFor({ state: 'detached' });
}

interface RequestBody {
  status: string;
  installedAt?: string | null;
}

describe('Console: Enroll profile', () => {
  let assetId = '';

  beforeAll(async () => {
    gw = await startGateway();
    const profile = (name: string, settings: unknown) =>
      api(gw, gw.adminToken, 'POST', '/profiles', { name, status: 'active', settings }, 201);
    await profile('corp', {
      domainPolicy: {
        allowedSuffixes: ['corp.example.test'],
        allowWildcards: false,
        allowIpAddresses: false,
      },
    });
    await profile('gated', { approval: { required: true, approvers: 1, pendingTtlHours: 72 } });
    assetId = (
      await api<{ id: string }>(
        gw,
        gw.adminToken,
        'POST',
        '/assets',
        { name: 'web-01', dnsNames: 'web-01.corp.example.test, www.corp.example.test' },
        201,
      )
    ).id;
    browser = await openBrowser(gw.url);
    page = browser.page;
    await page.goto(`${gw.url}/console/`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(gw.consolePassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enrollments' }).waitFor();
  });

  afterAll(async () => {
    await browser?.browser.close();
    await gw?.stop();
    gw?.cleanup();
  });

  it('When a CSR is pasted for a profile with a domain policy, Then a name outside it is refused naming the rule, and within it the certificate is issued and downloads as PEM', async () => {
    await openEnroll();
    await expectAccessible('enroll (start)');
    await page.getByLabel('Profile', { exact: true }).selectOption({ label: 'corp' });
    await page.getByLabel('P10: upload a CSR').check();
    const csr = makeCsr({ subject: 'CN=app.corp.example.test', dnsNames: ['app.corp.example.test'] });
    await page.getByLabel('CSR (PEM, or DER in base64)').fill(csr.pem);
    await page.getByRole('button', { name: 'Read CSR' }).click();
    const parsed = page.getByRole('region', { name: 'The CSR as the gateway reads it' });
    await parsed.getByText('CN=app.corp.example.test').waitFor();
    const dns = page.getByLabel("DNS names (comma-separated; empty keeps the CSR's)");
    expect(await dns.inputValue()).toBe('app.corp.example.test');
    expect(await page.getByLabel("Subject (RFC 4514; empty keeps the CSR's)").inputValue()).toBe(
      'CN=app.corp.example.test',
    );
    await expectAccessible('enroll P10 (parsed CSR)');

    await dns.fill('app.corp.example.test, evil.example.org');
    await page.getByRole('button', { name: 'Submit request' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'domain_policy' });
    await refusal.waitFor();
    const text = await refusal.textContent();
    expect(text).toContain('Refused by rule suffix_not_allowed for the name evil.example.org');
    await expectAccessible('enroll P10 (refusal)');

    await dns.fill('app.corp.example.test, www.app.corp.example.test');
    await page.getByRole('button', { name: 'Submit request' }).click();
    await page.getByRole('heading', { name: 'Certificate issued' }).waitFor();
    await expectAccessible('enroll P10 (issued)');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PEM', exact: true }).click(),
    ]);
    const pem = readFileSync((await download.path()) as string, 'utf8');
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const names = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName'], {
      input: pem,
    }).toString();
    expect(names).toContain('DNS:www.app.corp.example.test');
    expect(names).not.toContain('evil.example.org');
  });

  it("When a CSR file made by openssl is uploaded for an asset, Then the asset's DNS names are prefilled, the request is issued with them and the start choices stay locked until another enrollment is started", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egw-enroll-'));
    const csrFile = join(dir, 'web-01.csr');
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'web-01.key'),
        '-subj',
        '/CN=web-01.corp.example.test',
        '-out',
        csrFile,
      ],
      { stdio: 'ignore' },
    );
    try {
      await openEnroll();
      await page.getByLabel('Asset (optional: its DNS names are prefilled)').selectOption({ value: assetId });
      await page.getByLabel('Profile', { exact: true }).selectOption({ label: 'corp' });
      await page.getByLabel('P10: upload a CSR').check();
      const dns = page.getByLabel("DNS names (comma-separated; empty keeps the CSR's)");
      expect(await dns.inputValue()).toBe('web-01.corp.example.test, www.corp.example.test');
      await page.getByLabel('Upload a CSR file').setInputFiles(csrFile);
      const pasted = page.getByLabel('CSR (PEM, or DER in base64)');
      for (let i = 0; i < 50 && !(await pasted.inputValue()).includes('BEGIN'); i++)
        await page.waitForTimeout(100);
      expect(await pasted.inputValue()).toContain('-----BEGIN CERTIFICATE REQUEST-----');
      await page.getByRole('button', { name: 'Submit request' }).click();
      await page.getByRole('heading', { name: 'Certificate issued' }).waitFor();
      expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Certificate issued');
      const pem = await page.evaluate<string>(
        'fetch(document.querySelector(\'a[href$="format=pem"]\').href).then((r) => r.text())',
      );
      const names = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName'], {
        input: pem,
      }).toString();
      expect(names).toContain('DNS:web-01.corp.example.test');
      expect(names).toContain('DNS:www.corp.example.test');
      expect(await page.getByLabel('Profile', { exact: true }).isDisabled()).toBe(true);
      await page.getByRole('button', { name: 'Start another enrollment' }).click();
      expect(await page.getByLabel('Profile', { exact: true }).isDisabled()).toBe(false);
      await page.getByRole('button', { name: 'Submit request' }).waitFor();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('When P12 is enrolled from an asset, Then the password is shown once, the checkbox gates Next, the file opens with it and installation is confirmed', async () => {
    await openEnroll();
    await page.getByLabel('Asset (optional: its DNS names are prefilled)').selectOption({ value: assetId });
    await page.getByLabel('Profile', { exact: true }).selectOption({ label: 'corp' });
    await page.getByLabel('P12: the gateway makes the key').check();
    expect(await page.getByLabel('DNS names (comma-separated)').inputValue()).toBe(
      'web-01.corp.example.test, www.corp.example.test',
    );
    await page
      .getByLabel('Subject (RFC 4514, e.g. CN=web-01.example.com)')
      .fill('CN=web-01.corp.example.test');
    await expectAccessible('enroll P12 (certificate data)');
    await page.getByRole('button', { name: 'Create certificate' }).click();
    await page.getByRole('heading', { name: 'Password step' }).waitFor();

    const next = page.getByRole('button', { name: 'Next' });
    const confirm = page.getByLabel('Confirm displayed password');
    expect(await next.isDisabled()).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PKCS#12' }).click(),
    ]);
    const file = (await download.path()) as string;
    const password = (await page.getByTestId('p12-password').textContent()) ?? '';
    expect(password.length).toBeGreaterThan(8);
    expect(await page.getByRole('button', { name: 'Download PKCS#12' }).isDisabled()).toBe(true);
    expect(await next.isDisabled()).toBe(true);
    await expectAccessible('enroll P12 (password step)');
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: resolve(screenshots, 'p12-password.png') });

    const opened = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nokeys']);
    expect(opened.toString()).toContain('web-01.corp.example.test');

    // The console keeps the password nowhere but on the screen.
    const stored = await page.evaluate<string>(
      'JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])',
    );
    expect(stored).not.toContain(password);

    await confirm.check();
    expect(await next.isDisabled()).toBe(false);
    await next.click();
    await page.getByRole('heading', { name: 'Confirm installation' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(password);
    await page.getByRole('button', { name: 'Confirm installation' }).click();
    await page.getByText('Installation confirmed.').waitFor();
    await expectAccessible('enroll P12 (installation confirmed)');
    const href = await page.getByRole('link', { name: 'Open the request' }).getAttribute('href');
    const id = href?.split('/').pop() ?? '';
    const request = await api<RequestBody>(gw, gw.adminToken, 'GET', `/requests/${id}`, undefined, 200);
    expect(request.status).toBe('issued');
  });

  it('When a profile requires approval, Then P12 ends in "waiting for approval" with a link to the request', async () => {
    await openEnroll();
    await page.getByLabel('Profile', { exact: true }).selectOption({ label: 'gated' });
    await page.getByLabel('P12: the gateway makes the key').check();
    await page.getByLabel('Subject (RFC 4514, e.g. CN=web-01.example.com)').fill('CN=gated.example.test');
    await page.getByLabel('DNS names (comma-separated)').fill('gated.example.test');
    await page.getByRole('button', { name: 'Create certificate' }).click();
    await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor();
    await expectAccessible('enroll P12 (waiting for approval)');
    await page.getByRole('link', { name: 'Open the request' }).click();
    await page.getByRole('heading', { name: /gated\.example\.test/ }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/console\/requests\/.+/);
    await page.getByText('0 of 1 approvals.').waitFor();
  });

  it('When the window is phone-sized, Then the Enroll page fits its width and stays accessible', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${gw.url}/console/enroll`);
    await page.getByRole('heading', { name: 'Enroll profile' }).waitFor();
    await page.locator('.loading').waitFor({ state: 'detached' });
    await page.getByLabel('Profile', { exact: true }).selectOption({ label: 'corp' });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible('enroll at 390×844');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('loads nothing from outside the gateway and breaks no CSP rule', () => {
    expect(browser.foreign).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  });
});
