/**
 * How soon a signed-in user sees the Enrollments table with many requests in the store: the built
 * gateway with N pending P10 requests (submitted through the admin API), then Chromium loading
 * /console/ cold, three times. Reports first contentful paint (the "Loading…" frame) and the moment
 * the first page of rows (25) is put in the page, both from navigation start.
 *
 *   npm run build && npx tsx bench/console-first-paint.ts [--n 10000] [--c 8]
 */
import { chromium } from 'playwright-core';
import { makeCsr } from '../test/helpers/pki.js';
import { api, startGateway } from '../test/e2e/gateway.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback;
const count = option('n', 10_000);
const concurrency = option('c', 8);

const gw = await startGateway();
try {
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
  const csr = makeCsr({ subject: 'CN=bench.example.test' }).pem;
  const seedStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await api(
          gw,
          gw.adminToken,
          'POST',
          '/enrollments/p10',
          {
            profile: 'gated',
            csr,
            subject: `CN=host-${i}.bench.example.test`,
            dnsNames: `host-${i}.bench.example.test`,
          },
          202,
        );
      }
    }),
  );
  console.log(`seeded ${count} pending requests in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  for (let run = 1; run <= 3; run++) {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1280, height: 800 },
    });
    // Records when the first row is put on the page (an init script runs before the console's own).
    await context.addInitScript(`new MutationObserver((_, observer) => {
      if (document.querySelector('tbody tr')) { window.__rowsAt = performance.now(); observer.disconnect(); }
    }).observe(document, { childList: true, subtree: true });`);
    const page = await context.newPage();
    await page.goto(`${gw.url}/console/`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(gw.consolePassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tbody tr').first().waitFor();
    // A cold load of the signed-in page: what a user opening the console sees.
    await page.goto(`${gw.url}/console/`);
    await page.locator('tbody tr').first().waitFor();
    const rowsAt = await page.evaluate<number>('window.__rowsAt');
    const fcp = await page.evaluate<number>(
      "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1",
    );
    const rows = await page.locator('tbody tr').count();
    console.log(
      `run ${run}: first contentful paint ${fcp.toFixed(0)} ms, ${rows} rows on screen at ${rowsAt.toFixed(0)} ms`,
    );
    await context.close();
  }
  await browser.close();
} finally {
  await gw.stop();
  gw.cleanup();
}
