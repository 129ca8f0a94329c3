/**
 * Recorded and generated device messages (test/fixtures/scep/README.md) through the HTTP edge: the
 * real scepclient's DES request over POST and its URL-safe GET, openssl-made 3DES and AES envelopes,
 * a Windows signer with a critical AKI, Cisco's %0A-wrapped GET with unstructuredName/Address, macOS's
 * unescaped GET.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Certificate } from '@peculiar/asn1-x509';
import { SubjectAlternativeName } from '@peculiar/asn1-x509';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scepRoutes } from '../../../protocols/scep/routes.js';
import { ScepService } from '../../../protocols/scep/service.js';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { defaultScepSettings } from '../../../src/core/profiles/profile.js';
import { testCore, type TestCore } from '../../helpers/core.js';
import { dialects } from '../../helpers/db.js';
import { must, identityOf, readCertRep } from '../../helpers/scep-client.js';

const dir = join(import.meta.dirname, '../../fixtures/scep');
const fixture = (name: string) => readFileSync(join(dir, name));
const key = (name: string) => createPrivateKey(fixture(name));

/** The signer certificate a request carries, with the key the fixture kept, to open the reply. */
function requester(der: Uint8Array, keyFile: string) {
  const signed = AsnConvert.parse(AsnConvert.parse(der, ContentInfo).content, SignedData);
  const cert = signed.certificates?.[0]?.certificate as Certificate;
  return identityOf(new Uint8Array(AsnConvert.serialize(cert)), key(keyFile));
}

describe.each(dialects)('recorded and generated SCEP fixtures on %s', (dialect) => {
  let t: TestCore;
  let app: express.Express;
  beforeAll(async () => {
    t = await testCore(dialect);
    const profile = await t.profile({ scep: { ...defaultScepSettings(), allowDes: true } }, 'fixtures');
    await t.core.codes.create({
      profile,
      purpose: 'scep-challenge',
      actor: 'admin',
      secret: 'fixture-secret',
      singleUse: false,
    });
    const service = new ScepService({
      core: t.core,
      ra: {
        certificatePem: fixture('ra.pem').toString(),
        privateKey: key('ra.key'),
        chainPem: t.ca.caChain(),
      },
    });
    app = express();
    app.use(scepRoutes({ core: t.core, service, defaultProfile: 'fixtures' }));
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const post = (der: Uint8Array) =>
    request(app)
      .post('/scep/fixtures/pkiclient.exe?operation=PKIOperation')
      .set('Content-Type', 'application/x-pki-message')
      .send(Buffer.from(der))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
      });

  const get = (url: string) =>
    request(app)
      .get(url)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
      });

  it('When the recorded scepclient PKCSReq (DES-CBC, SHA-1) is POSTed, Then SUCCESS in DES with SHA-1', async () => {
    const der = fixture('pkcsreq-scepclient-des.der');
    const res = await post(der);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-pki-message/);
    const rep = readCertRep(res.body as Buffer, requester(der, 'scepclient-device.key'));
    expect(rep).toMatchObject({ pkiStatus: '0', cipherName: 'des-cbc', digestOid: '1.3.14.3.2.26' });
    expect(rep.certificates[0]).toBeDefined();
  });

  it('When the recorded scepclient GET with URL-safe base64 arrives on /scep, Then the default profile answers it', async () => {
    const url = fixture('pkcsreq-scepclient-get.url').toString();
    const res = await get(url);
    expect(res.status).toBe(200);
    const message = new URL(url, 'http://x').searchParams.get('message') ?? '';
    const der = Buffer.from(message.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    // Same transactionID as the POST above (scepclient derives it from the key): the resend answer.
    expect(readCertRep(res.body as Buffer, requester(der, 'scepclient-device.key')).pkiStatus).toBe('0');
  });

  it.each([
    ['pkcsreq-3des-sha256.der', 'des-ede3-cbc', '2.16.840.1.101.3.4.2.1', 'signer.key'],
    ['pkcsreq-aes128-sha512.der', 'aes-128-cbc', '2.16.840.1.101.3.4.2.3', 'signer.key'],
    ['pkcsreq-windows-signer.der', 'aes-256-cbc', '1.3.14.3.2.26', 'windows-signer.key'],
  ])(
    'When %s (openssl envelope) is POSTed, Then SUCCESS mirrors %s and its digest',
    async (file, cipher, digest, keyFile) => {
      const der = fixture(file);
      const res = await post(der);
      expect(res.status).toBe(200);
      const rep = readCertRep(res.body as Buffer, requester(der, keyFile));
      expect(rep.failInfoText).toBeNull();
      expect(rep).toMatchObject({ pkiStatus: '0', cipherName: cipher, digestOid: digest });
    },
  );

  it('When Cisco sends a %0A-wrapped GET with unstructuredName/Address, Then SUCCESS with those as DNS and IP names', async () => {
    const url = `/scep/fixtures${fixture('pkcsreq-cisco-get.url').toString()}`;
    const res = await get(url);
    expect(res.status).toBe(200);
    const b64 = decodeURIComponent(new URL(url, 'http://x').search.split('message=')[1] ?? '').replace(
      /\n/g,
      '',
    );
    const rep = readCertRep(res.body as Buffer, requester(Buffer.from(b64, 'base64'), 'signer.key'));
    expect(rep.pkiStatus).toBe('0');
    const san = must(
      must(must(rep.certificates[0]).tbsCertificate.extensions).find((e) => e.extnID === '2.5.29.17'),
    );
    const names = AsnConvert.parse(san.extnValue, SubjectAlternativeName);
    expect(names.map((n) => n.dNSName ?? n.iPAddress)).toEqual(['router1.example.com', '192.0.2.1']);
  });

  it('When macOS leaves + and / unescaped in a GET, Then the message still decodes', async () => {
    const url = `/scep/fixtures${fixture('pkcsreq-macos-get.url').toString()}`;
    const res = await get(url);
    expect(res.status).toBe(200);
    const b64 = must(url.split('message=')[1]).replace(/%3D/g, '=');
    expect(
      readCertRep(res.body as Buffer, requester(Buffer.from(b64, 'base64'), 'signer.key')).pkiStatus,
    ).toBe('0');
  });
});
