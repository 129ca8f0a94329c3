/**
 * GetNextCACert end to end: a running gateway, the operator's `ca rollover` and `ca activate` steps
 * (src/ca-rollover.ts, what the CLI runs), and what a SCEP client sees over HTTP at each step.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateCaRollover, prepareCaRollover } from '../../../src/ca-rollover.js';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/http/logger.js';
import { startGateway, type RunningGateway } from '../../../src/main.js';
import { openssl, opensslOk } from '../../helpers/pki.js';

describe('issuing CA rollover seen through SCEP', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-rollover-'));
  let gw: RunningGateway;
  const scep = (operation: string) => fetch(`${gw.urls.http}/scep?operation=${operation}`);

  beforeAll(async () => {
    const config = loadConfig({
      env: { GATEWAY_DATA_DIR: dataDir, GATEWAY_HTTPS_PORT: '0', GATEWAY_HTTP_PORT: '0' },
    });
    gw = await startGateway(config, createLogger('warn'));
  });
  afterAll(async () => {
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('When an operator prepares and then activates a rollover, Then GetCACaps and GetNextCACert follow, and the audit trail records both', async () => {
    expect(await (await scep('GetCACaps')).text()).not.toContain('GetNextCACert');
    expect((await scep('GetNextCACert')).status).toBe(404);

    await expect(prepareCaRollover(gw, 'cli', 30)).rejects.toThrow(/ask for longer/);
    const next = await prepareCaRollover(gw, 'cli');
    expect((await (await scep('GetCACaps')).text()).split('\n')).toContain('GetNextCACert');
    const reply = await scep('GetNextCACert');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/application\/x-x509-next-ca-cert/);
    // RFC 8894 §4.7.1: signed by the current RA, whose certificate GetCACert gave the client.
    const caRa = Buffer.from(await (await scep('GetCACert')).arrayBuffer());
    // openssl cms -verify builds chains from the CAfile only: the RA's issuer goes there with the root.
    const signers = opensslOk(['pkcs7', '-inform', 'DER', '-in', 'ca.p7', '-print_certs'], {
      files: { 'ca.p7': caRa },
    });
    const body = Buffer.from(await reply.arrayBuffer());
    const verified = openssl(
      [
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        'next.der',
        '-CAfile',
        'chain.pem',
        '-purpose',
        'any',
      ].concat(['-binary', '-out', 'inner.der']),
      { files: { 'next.der': body, 'chain.pem': signers } },
    );
    expect(verified.stderr).toContain('Verification successful');
    // The signed content: a degenerate PKCS#7 with the rollover certificate, then the root.
    const certs = opensslOk(['pkcs7', '-inform', 'DER', '-in', 'inner.der', '-print_certs'], {
      files: { 'inner.der': readFileSync(join(verified.dir, 'inner.der')) },
    });
    expect(certs.replace(/\r/g, '')).toContain(next.pem.trim());
    expect(certs.replace(/\r/g, '')).toContain(gw.ca.rootCertificatePem.trim());

    const current = await activateCaRollover(gw, 'cli');
    expect(current?.serialNumber).toBe(next.serialNumber);
    expect((await scep('GetNextCACert')).status).toBe(404);
    expect(gw.ca.caChain()[0]).toBe(next.pem);
    expect(await activateCaRollover(gw, 'cli')).toBeNull();

    const events = await gw.store.audit.list({ targetType: 'ca' });
    expect(events.map((e) => [e.action, e.data.serialNumber])).toEqual([
      ['ca.rollover-prepared', next.serialNumber],
      ['ca.rollover-activated', next.serialNumber],
    ]);
  });
});
