/**
 * The SCEP HTTP edge (RFC 8894 §4): URLs with any suffix, content types, GetCACaps/GetCACert/
 * GetNextCACert, plain-text 400/404 before the message is answerable, never a 500 for client input,
 * and a CertRep that OpenSSL verifies and decrypts on its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scepRoutes } from '../../../protocols/scep/routes.js';
import { ScepService } from '../../../protocols/scep/service.js';
import { defaultScepSettings } from '../../../src/core/profiles/profile.js';
import { testCore, type TestCore } from '../../helpers/core.js';
import { dialects } from '../../helpers/db.js';
import { makeCsr, openssl } from '../../helpers/pki.js';
import { must, pkiMessage, selfSignedSigner } from '../../helpers/scep-client.js';
import { toPem } from '../../../ca/pki/pem.js';

type Parser = Parameters<request.Test['parse']>[0];
const binary: Parser = (res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe.each(dialects)('SCEP routes on %s', (dialect) => {
  let t: TestCore;
  let app: express.Express;
  let service: ScepService;
  let nextChain: string[] | null = null;
  beforeAll(async () => {
    t = await testCore(dialect);
    const scep = defaultScepSettings();
    await t.profile({ scep }, 'default');
    await t.profile(
      {
        scep: {
          ...scep,
          caCertFormat: 'ra-only',
          capabilities: ['SHA-256', 'AES', 'Bogus', 'GetNextCACert'],
        },
      },
      'raonly',
    );
    await t.profile({ protocols: ['acme'] }, 'acmeonly');
    const open = await t.store.profiles.getByName('default');
    await t.core.codes.create({
      profile: must(open),
      purpose: 'scep-challenge',
      actor: 'a',
      secret: 'pw',
      singleUse: false,
    });
    const ra = await t.ca.scepRa();
    service = new ScepService({
      core: t.core,
      ra: { certificatePem: ra.certificatePem, privateKey: ra.privateKey, chainPem: t.ca.caChain() },
      nextCaChainPem: async () => nextChain,
    });
    app = express();
    app.use(scepRoutes({ core: t.core, service, defaultProfile: 'default' }));
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('When GetCACaps is asked on any suffix, Then text/plain, one keyword per line', async () => {
    for (const path of [
      '/scep/default',
      '/scep/default/cgi-bin/pkiclient.exe',
      '/scep',
      '/scep/pkiclient.exe',
    ]) {
      const res = await request(app).get(`${path}?operation=GetCACaps`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text.split('\n')).toEqual([
        'AES',
        'DES3',
        'POSTPKIOperation',
        'Renewal',
        'SHA-1',
        'SHA-256',
        'SHA-384',
        'SHA-512',
        'SCEPStandard',
      ]);
    }
  });

  it('When the profile lists unknown capabilities, Then only real ones are shown; GetNextCACert only during a rollover', async () => {
    expect((await request(app).get('/scep/raonly?operation=GetCACaps')).text).toBe('SHA-256\nAES');
    nextChain = t.ca.caChain();
    expect((await request(app).get('/scep/raonly?operation=GetCACaps')).text).toBe(
      'SHA-256\nAES\nGetNextCACert',
    );
    const next = await request(app).get('/scep/raonly?operation=GetNextCACert').buffer(true).parse(binary);
    expect(next.status).toBe(200);
    expect(next.headers['content-type']).toMatch(/application\/x-x509-next-ca-cert/);
    const out = openssl(
      ['cms', '-verify', '-noverify', '-inform', 'DER', '-in', 'n.der', '-out', 'inner.der'],
      {
        files: { 'n.der': next.body as Buffer },
      },
    );
    expect(out.status).toBe(0);
    nextChain = null;
    expect((await request(app).get('/scep/raonly?operation=GetNextCACert')).status).toBe(404);
  });

  it('When GetCACert is asked, Then a PKCS#7 with the RA first and the chain; ra-only answers the RA DER', async () => {
    const res = await request(app).get('/scep/default?operation=GetCACert').buffer(true).parse(binary);
    expect(res.headers['content-type']).toMatch(/application\/x-x509-ca-ra-cert/);
    const printed = openssl(['pkcs7', '-inform', 'DER', '-in', 'c.p7', '-print_certs', '-noout'], {
      files: { 'c.p7': res.body as Buffer },
    });
    expect(printed.stdout.match(/subject=.*/g)).toEqual([
      expect.stringContaining('SCEP RA'),
      expect.stringContaining('Issuing CA'),
      expect.stringContaining('Root CA'),
    ]);
    const single = await request(app).get('/scep/raonly?operation=GetCACert').buffer(true).parse(binary);
    expect(single.headers['content-type']).toMatch(/application\/x-x509-ca-cert/);
    expect(Buffer.from(single.body as Buffer)).toEqual(Buffer.from(service.ra.certificateDer));
  });

  it("When micromdm's scepclient (Go) asks GetCACert on a default profile with an ECDSA chain, Then the RA alone, and every other client the RA and the chain", async () => {
    // It encrypts to every certificate it gets and its PKCS#7 library panics on an EC key.
    const go = await request(app)
      .get('/scep/default?operation=GetCACert')
      .set('User-Agent', 'Go-http-client/1.1')
      .buffer(true)
      .parse(binary);
    expect(go.status).toBe(200);
    expect(go.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(go.headers.vary).toMatch(/User-Agent/);
    expect(Buffer.from(go.body as Buffer)).toEqual(Buffer.from(service.ra.certificateDer));
    for (const userAgent of ['curl/8.5.0', 'certmonger', '']) {
      const other = await request(app)
        .get('/scep/default/cgi-bin/pkiclient.exe?operation=GetCACert&message=0')
        .set('User-Agent', userAgent)
        .buffer(true)
        .parse(binary);
      expect(other.headers['content-type'], userAgent).toBe('application/x-x509-ca-ra-cert');
      expect(other.headers.vary).toMatch(/User-Agent/);
      expect(Buffer.from(other.body as Buffer)).toEqual(Buffer.from(service.ra.caRaCertDer));
    }
  });

  it.each([
    ['/scep/nope-profile/x?operation=GetCACaps', 404, /No SCEP profile/],
    ['/scep/acmeonly?operation=GetCACaps', 404, /No SCEP profile/],
    ['/scep/default?operation=Bogus', 400, /Unknown SCEP operation/],
    ['/scep/default', 400, /Unknown SCEP operation/],
    ['/scep/default?operation=PKIOperation', 400, /empty/],
    ['/scep/default?operation=PKIOperation&message=%%%', 400, /base64/],
    ['/scep/default?operation=PKIOperation&message=MIIBAAAA', 400, /pkiMessage/],
  ])('When GET %s, Then HTTP %i with a plain-text reason', async (url, status, reason) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(reason);
  });

  it.each(['put', 'delete', 'patch'] as const)(
    'When a SCEP URL is called with %s, Then 405 with Allow: GET, POST and a plain-text reason',
    async (method) => {
      for (const path of [
        '/scep?operation=GetCACaps',
        '/scep/default?operation=GetCACert',
        '/scep/default/cgi-bin/pkiclient.exe?operation=PKIOperation',
        '/scep/pkiclient.exe',
        '/scep/nope-profile?operation=GetCACaps',
      ]) {
        const agent = request(app);
        const res = await agent[method](path).send(Buffer.from([0x30, 0x00]));
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.allow).toBe('GET, POST');
        expect(res.headers['content-type']).toMatch(/^text\/plain/);
        expect(res.text).toMatch(/GET or POST/);
      }
    },
  );

  it('When a SCEP URL is called with HEAD, Then it is answered as GET without a body', async () => {
    const res = await request(app).head('/scep/default?operation=GetCACert');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-x509-ca-ra-cert/);
  });

  it('When random or truncated bodies are POSTed, Then never a 500', async () => {
    const signer = selfSignedSigner();
    const csr = makeCsr({ key: 'rsa-2048', challengePassword: 'pw' });
    const good = pkiMessage({
      messageType: 19,
      signer,
      recipient: service.ra.certificate,
      content: csr.der,
    }).der;
    const bodies = [
      Buffer.alloc(0),
      Buffer.from('garbage'),
      Buffer.from(good).subarray(0, 500),
      Buffer.from(good).subarray(0, good.length - 3),
    ];
    for (let i = 40; i < good.length; i += 97) {
      const b = Buffer.from(good);
      b[i] = (b[i] ?? 0) ^ 0xff;
      bodies.push(b);
    }
    for (const body of bodies) {
      const res = await request(app)
        .post('/scep/default?operation=PKIOperation')
        .set('Content-Type', 'application/x-pki-message')
        .send(body);
      expect([200, 400]).toContain(res.status);
    }
  });

  it('When a PKCSReq succeeds, Then openssl verifies the CertRep signature and decrypts its envelope with the client key', async () => {
    const signer = selfSignedSigner();
    const csr = makeCsr({ key: 'rsa-2048', subject: 'CN=openssl.example', challengePassword: 'pw' });
    const msg = pkiMessage({
      messageType: 19,
      signer,
      recipient: service.ra.certificate,
      content: csr.der,
      cipher: 'aes-128-cbc',
    });
    const res = await request(app)
      .post('/scep/default/pkiclient.exe?operation=PKIOperation')
      .set('Content-Type', 'application/x-pki-message')
      .send(Buffer.from(msg.der))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const files = {
      'rep.der': res.body as Buffer,
      'ra.pem': toPem(service.ra.certificateDer, 'CERTIFICATE'),
      'client.pem': toPem(signer.certificateDer, 'CERTIFICATE'),
      'client.key': signer.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    };
    const verify = openssl(
      [
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        'rep.der',
        '-noverify',
        '-certfile',
        'ra.pem',
        '-out',
        'env.der',
        '-binary',
      ],
      { files },
    );
    expect(verify.stderr).toMatch(/Verification successful/);
    const decrypt = openssl(
      [
        'cms',
        '-decrypt',
        '-inform',
        'DER',
        '-in',
        'env.der',
        '-recip',
        'client.pem',
        '-inkey',
        'client.key',
        '-out',
        'certs.der',
        '-binary',
      ],
      { files: { ...files, 'env.der': readFile(verify.dir, 'env.der') } },
    );
    expect(decrypt.status).toBe(0);
    const certs = openssl(['pkcs7', '-inform', 'DER', '-in', 'certs.der', '-print_certs', '-noout'], {
      files: { 'certs.der': readFile(decrypt.dir, 'certs.der') },
    });
    expect(certs.stdout.match(/subject=.*/)?.[0]).toMatch(/openssl\.example/);
  });
});

function readFile(dir: string, name: string): Buffer {
  return readFileSync(join(dir, name));
}
