import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import {
  consoleBasePath,
  consoleContentSecurityPolicy,
  consoleRoutes,
} from '../../../../src/admin/console/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'console-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Console</title>');
writeFileSync(join(dir, 'assets', 'index-3f2a9c.js'), 'console.log(1)');
writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');

function app(consoleDir = dir) {
  const a = express();
  a.use(consoleBasePath, consoleRoutes({ dir: consoleDir }));
  return supertest(a);
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the console files', () => {
  it('When /console/ is loaded, Then index.html comes with the strict CSP and must be revalidated', async () => {
    const res = await app().get('/console/').expect(200);
    expect(res.text).toContain('<title>Console</title>');
    expect(res.headers['content-security-policy']).toBe(consoleContentSecurityPolicy);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('When a client route is loaded directly, Then the SPA answers it with index.html', async () => {
    const res = await app().get('/console/requests/req_123').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<title>Console</title>');
  });

  it('When a hashed asset is loaded, Then it may be cached for a year', async () => {
    const res = await app().get('/console/assets/index-3f2a9c.js').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-security-policy']).toBe(consoleContentSecurityPolicy);
  });

  it('When an asset of an older build is asked for, Then it is a 404, not index.html', async () => {
    const res = await app().get('/console/assets/index-000000.js').expect(404);
    expect(res.text).not.toContain('<title>');
  });

  it('When an unhashed file is loaded, Then it is revalidated', async () => {
    const res = await app().get('/console/favicon.svg').expect(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('When /console is asked for without the slash, Then it redirects to /console/', async () => {
    await app().get('/console').expect(301).expect('location', '/console/');
  });

  it('When the console was never built, Then the page says how to build it', async () => {
    const res = await app(join(dir, 'missing')).get('/console/').expect(503);
    expect(res.text).toContain('npm run build');
  });
});
