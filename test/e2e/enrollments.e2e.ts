/**
 * The DigiCert "Manage enrollments" walk in a real Chromium against the built gateway: sign in, the
 * table of requests made through the admin API, row and bulk decisions, a note and the audit trail on
 * the details page, the certificate download, sign-out, and what the user sees when the API is down.
 * axe-core runs on every page visited; no request may leave the gateway's origin.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCsr } from '../helpers/pki.js';
import { axeViolations, openBrowser, type Session } from './browser.js';
import { api, apiCall, startGateway, type Gateway } from './gateway.js';

const screenshots = resolve(import.meta.dirname, '../../docs/console');

interface RequestBody {
  id: string;
  status: string;
  reason: string | null;
  requester: string;
}

let gw: Gateway;
let browser: Session;
let page: Page;
const ids: Record<string, string> = {};

/** A P10 enrolment by alice (operator) on the profile that needs one approval: a pending request. */
async function submit(aliceToken: string, name: string): Promise<string> {
  const csr = makeCsr({ subject: `CN=${name}`, dnsNames: [name] });
  const answer = await api<{ outcome: string; request: { id: string } }>(
    gw,
    aliceToken,
    'POST',
    '/enrollments/p10',
    { profile: 'gated', csr: csr.pem, dnsNames: `${name}, www.${name}` },
    202,
  );
  expect(answer.outcome).toBe('pending');
  return answer.request.id;
}

async function expectAccessible(what: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${what}: serious or critical axe-core violations`).toEqual([]);
}

const row = (name: string) => page.locator('tbody tr', { hasText: name });

/**
 * Waits until the table shows exactly these requests (a view loads asynchronously), then checks it.
 * Polled from here: Playwright's waitForFunction compiles its predicate with eval, which the console's
 * CSP (no 'unsafe-eval') rightly refuses.
 */
async function expectRows(names: string[]): Promise<void> {
  const shown =
    "[...document.querySelectorAll('tbody tr .col-request a')].map((a) => a.textContent).sort().join()";
  const want = [...names].sort().join();
  let seen = '';
  for (let i = 0; i < 100 && seen !== want; i++) {
    if (i > 0) await page.waitForTimeout(100);
    seen = await page.evaluate<string>(shown);
  }
  expect(seen).toBe(want);
}

async function statusOf(id: string): Promise<RequestBody> {
  return api<RequestBody>(gw, gw.adminToken, 'GET', `/requests/${id}`, undefined, 200);
}

describe('Console: Manage enrollments', () => {
  let aliceToken = '';

  beforeAll(async () => {
    gw = await startGateway();
    await api(
      gw,
      gw.adminToken,
      'POST',
      '/profiles',
      {
        name: 'gated',
        status: 'active',
        settings: { approval: { required: true, approvers: 1, pendingTtlHours: 72 } },
      },
      201,
    );
    aliceToken = (
      await api<{ token: string }>(
        gw,
        gw.adminToken,
        'POST',
        '/tokens',
        { subject: 'alice', role: 'operator' },
        201,
      )
    ).token;
    for (const n of ['app1', 'app2', 'app3', 'app4', 'app5'])
      ids[n] = await submit(aliceToken, `${n}.example.test`);
    browser = await openBrowser(gw.url);
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.browser.close();
    await gw?.stop();
    gw?.cleanup();
  });

  it('When / is opened, Then the sign-in page refuses a wrong password and admits the printed admin user', async () => {
    await page.goto(`${gw.url}/`);
    await page.getByRole('heading', { name: 'Sign in to Enrollment Gateway' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/');
    await expectAccessible('sign-in');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong user name or password').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('invalid_credentials');

    await page.getByLabel('Password').fill(gw.consolePassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enrollments' }).waitFor();
    await expectRows(['app1', 'app2', 'app3', 'app4', 'app5'].map((n) => `${n}.example.test`));
    await expectAccessible('enrollments');
  });

  it('When a user fails to sign in too often, Then the sign-in page says the account is locked', async () => {
    await api(gw, gw.adminToken, 'POST', '/console-users', { username: 'carol', role: 'approver' }, 201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    // console.lockoutThreshold (5) failures in a row lock the user, whoever sends them.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await apiCall(gw, '', 'POST', '/session', { username: 'carol', password: `wrong ${i}` })).status,
      );
    }
    expect(statuses.at(-1)).toBe(423);
    await page.getByLabel('User name').fill('carol');
    await page.getByLabel('Password').fill('one more wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This account is locked').waitFor();
    const alert = await page.getByRole('alert').textContent();
    expect(alert).toContain('This account is locked');
    expect(alert).toContain('account_locked');
    await expectAccessible('sign-in, locked');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(gw.consolePassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectRows(['app1', 'app2', 'app3', 'app4', 'app5'].map((n) => `${n}.example.test`));
  });

  it('When a request is approved from its row, Then it is issued', async () => {
    await row('app1.example.test').getByText('Actions').click();
    await row('app1.example.test').getByRole('button', { name: 'Approve…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Comment (optional)').fill('owner confirmed');
    await expectAccessible('approve dialog');
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'the certificate is issued' }).waitFor();
    await row('app1.example.test').getByText('Issued').waitFor();
    expect((await statusOf(ids.app1 as string)).status).toBe('issued');
  });

  it('When a request is rejected from its row, Then a reason is required and reaches the request', async () => {
    await row('app2.example.test').getByText('Actions').click();
    await row('app2.example.test').getByRole('button', { name: 'Reject…' }).click();
    const dialog = page.getByRole('dialog');
    const reject = dialog.getByRole('button', { name: 'Reject', exact: true });
    expect(await reject.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason (required)').fill('not our host');
    await reject.click();
    await row('app2.example.test').getByText('Rejected').waitFor();
    const r = await statusOf(ids.app2 as string);
    expect(r.status).toBe('rejected');
    expect(r.reason).toContain('not our host');
  });

  it('When two rows are selected and approved in bulk, Then each gets its own result', async () => {
    await page.getByRole('checkbox', { name: 'Select app3.example.test' }).check();
    await page.getByRole('checkbox', { name: 'Select app4.example.test' }).check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Approve selected…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve all' }).click();
    await page.getByText('Bulk result: 2 succeeded, 0 failed').waitFor();
    const results = page.locator('.bulk-results li');
    expect(await results.allTextContents()).toEqual([
      expect.stringContaining('app3.example.test: issued'),
      expect.stringContaining('app4.example.test: issued'),
    ]);
    await expectAccessible('bulk result');
    expect((await statusOf(ids.app3 as string)).status).toBe('issued');
    expect((await statusOf(ids.app4 as string)).status).toBe('issued');
  });

  it('When a request arrives, Then the table shows it without a reload', async () => {
    ids.app6 = await submit(aliceToken, 'app6.example.test');
    // The page polls every few seconds; waitFor only waits for the row, it asserts no timing.
    await row('app6.example.test').waitFor({ timeout: 30_000 });
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: resolve(screenshots, 'enrollments.png') });
  });

  it('When views are picked and one is saved, Then the table follows and the view survives a reload', async () => {
    await page.getByLabel('View').selectOption({ label: 'Waiting for me' });
    await expectRows(['app5.example.test', 'app6.example.test']);
    await page.getByLabel('View').selectOption({ label: 'Rejected' });
    await expectRows(['app2.example.test']);
    await page.getByLabel('View').selectOption({ label: 'Pending' });
    await expectRows(['app5.example.test', 'app6.example.test']);
    await page.getByLabel('Protocol').selectOption('p10');
    await page.getByRole('button', { name: 'Save view…' }).click();
    await page.getByRole('dialog').getByLabel('Name (required)').fill('Pending P10');
    await page.getByRole('dialog').getByRole('button', { name: 'Save view' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Enrollments' }).waitFor();
    await page.getByLabel('View').selectOption({ label: 'Pending P10' });
    await expectRows(['app5.example.test', 'app6.example.test']);
    await page.getByLabel('View').selectOption({ label: 'All enrollments' });
    await row('app1.example.test').waitFor();
  });

  it('When a request is opened, Then its details take a note and show the audit trail', async () => {
    await row('app5.example.test').getByRole('link', { name: 'app5.example.test' }).click();
    await page.getByRole('heading', { name: /app5\.example\.test/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/requests/${ids.app5}`);
    await page.getByText('0 of 1 approvals.').waitFor();
    await page.getByText('CN=app5.example.test').first().waitFor();
    await page.getByText('None: the request meets').waitFor();
    await page
      .getByLabel('Add a note (seen by console users only)')
      .fill('called the owner, waiting for the ticket');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('called the owner, waiting for the ticket').waitFor();
    const audit = page.getByRole('region', { name: 'Audit trail' });
    await audit.getByText('request.submitted').waitFor();
    await audit.getByText('request.note-added').waitFor();
    await expectAccessible('request details (pending)');
    await page.screenshot({ path: resolve(screenshots, 'request-details.png'), fullPage: true });
  });

  it('When an issued request is opened, Then its certificate downloads as PEM', async () => {
    await page.goto(`${gw.url}/console/requests/${ids.app1}`);
    await page.getByRole('heading', { name: /app1\.example\.test/ }).waitFor();
    await page.getByText('1 of 1 approvals.').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PEM', exact: true }).click(),
    ]);
    const pem = readFileSync((await download.path()) as string, 'utf8');
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await expectAccessible('request details (issued)');
  });

  it('When the window is phone-sized, Then the pages fit its width and stay accessible', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/console/', `/console/requests/${ids.app5}`]) {
      await page.goto(`${gw.url}${path}`);
      await page.locator('main h1').waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, `${path} is wider than the phone`).toBeLessThanOrEqual(0);
      await expectAccessible(`${path} at 390×844`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('When the keyboard is used, Then a skip link comes first and the row menu opens with Enter and closes with Escape', async () => {
    await page.goto(`${gw.url}/console/`);
    await row('app6.example.test').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await row('app6.example.test').locator('summary').focus();
    await page.keyboard.press('Enter');
    await row('app6.example.test').getByRole('button', { name: 'Internal note…' }).waitFor();
    const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    await page.keyboard.press('Escape');
    await row('app6.example.test')
      .getByRole('button', { name: 'Internal note…' })
      .waitFor({ state: 'hidden' });
  });

  it('When the user signs out, Then the sign-in page says so and the API no longer answers the browser', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    const status = await page.evaluate<number>("fetch('/api/v1/requests').then((r) => r.status)");
    expect(status).toBe(401);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(gw.consolePassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await row('app6.example.test').waitFor();
  });

  it('When the session ends on the server side, Then the next refresh returns to sign-in with a notice', async () => {
    await browser.context.clearCookies();
    await page.getByText('Your session has ended. Sign in again.').waitFor({ timeout: 30_000 });
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(gw.consolePassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await row('app6.example.test').waitFor();
  });

  it('When the gateway stops, Then the table keeps its rows and says the gateway cannot be reached', async () => {
    await gw.stop();
    const alert = page.getByRole('alert').filter({ hasText: 'cannot be reached' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('network_error');
    expect(await row('app6.example.test').count()).toBe(1);
    await expectAccessible('enrollments with the API down');
    await page.screenshot({ path: resolve(screenshots, 'api-down.png') });
  });

  it('loads nothing from outside the gateway and breaks no CSP rule', () => {
    expect(browser.foreign).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
  });
});
