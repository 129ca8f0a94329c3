/**
 * The SCEP face inside the real gateway (startGateway, SQLite): mounted on the HTTP listener, the
 * RA made on first start, and GET URLs far beyond Node's default 16 KiB header limit accepted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/http/logger.js';
import { startGateway, type RunningGateway } from '../../../src/main.js';
import { makeCsr } from '../../helpers/pki.js';
import { must, pkiMessage, readCertRep, selfSignedSigner } from '../../helpers/scep-client.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { fromPem } from '../../../ca/pki/pem.js';

describe('SCEP in the running gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-scep-'));
  let gw: RunningGateway;
  beforeAll(async () => {
    const config = loadConfig({
      env: { GATEWAY_DATA_DIR: dataDir, GATEWAY_HTTPS_PORT: '0', GATEWAY_HTTP_PORT: '0' },
    });
    gw = await startGateway(config, createLogger('silent', new PassThrough()));
  });
  afterAll(async () => {
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('When a PKIOperation GET URL is 40 KB long, Then the listener accepts it and answers a CertRep', async () => {
    const profile = await gw.store.profiles.getByName('default');
    await gw.core.codes.create({
      profile: must(profile),
      purpose: 'scep-challenge',
      actor: 'test',
      secret: 'long-get',
      singleUse: false,
    });
    const ra = await gw.ca.scepRa();
    const raCert = AsnConvert.parse(fromPem(ra.certificatePem, 'CERTIFICATE'), Certificate);
    const signer = selfSignedSigner();
    const csr = makeCsr({ key: 'rsa-2048', subject: 'CN=long.example', challengePassword: 'long-get' });
    const msg = pkiMessage({ messageType: 19, signer, recipient: raCert, content: csr.der });
    // Cisco style: base64 wrapped with %0A every 64 characters, padded out with a harmless parameter.
    const wrapped = must(
      Buffer.from(msg.der)
        .toString('base64')
        .match(/.{1,64}/g),
    )
      .map(encodeURIComponent)
      .join('%0A');
    const url = `${gw.urls.http}/scep/default/cgi-bin/pkiclient.exe?operation=PKIOperation&message=${wrapped}&pad=${'x'.repeat(40_000)}`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-pki-message/);
    const rep = readCertRep(new Uint8Array(await res.arrayBuffer()), signer);
    expect(rep.pkiStatus).toBe('0');
  });
});
