/**
 * The challenge validators against real loopback servers: a DNS responder (dns2) as the configured
 * resolver, an HTTP server for http-01 (with redirects), a TLS server for tls-alpn-01 (RFC 8737),
 * and CAA (RFC 8659/8657) answered by the same responder.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import dns2 from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCaa, parseIssueValue } from '../../../../protocols/acme/challenges/caa.js';
import { dns01Digest, validateDns01 } from '../../../../protocols/acme/challenges/dns-01.js';
import { validateHttp01 } from '../../../../protocols/acme/challenges/http-01.js';
import { createResolver, type DnsResolver } from '../../../../protocols/acme/challenges/resolver.js';
import { reverseName, validateTlsAlpn01 } from '../../../../protocols/acme/challenges/tls-alpn-01.js';
import { openssl } from '../../../helpers/pki.js';

const { Packet } = dns2;
type Zone = Record<
  string,
  { A?: string[]; TXT?: string[][]; CAA?: { flags: number; tag: string; value: string }[] }
>;

const zone: Zone = {
  'web.test': { A: ['127.0.0.1'] },
  'redirect.test': { A: ['127.0.0.1'] },
  '_acme-challenge.dns.test': { TXT: [['unrelated'], [dns01Digest('tok.thumb')]] },
  '_acme-challenge.split.test': {
    TXT: [[dns01Digest('tok.thumb').slice(0, 10), dns01Digest('tok.thumb').slice(10)]],
  },
  'caa.test': { CAA: [{ flags: 0, tag: 'issue', value: 'acme.test' }] },
  'other-ca.test': { CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] },
  'nobody.test': { CAA: [{ flags: 0, tag: 'issue', value: ';' }] },
  'bound.test': {
    CAA: [
      {
        flags: 0,
        tag: 'issue',
        value: 'acme.test; accounturi=https://acme.test/acct/1; validationmethods=dns-01,http-01',
      },
    ],
  },
  'wild.test': {
    CAA: [
      { flags: 0, tag: 'issue', value: 'acme.test' },
      { flags: 0, tag: 'issuewild', value: ';' },
    ],
  },
  'critical.test': { CAA: [{ flags: 128, tag: 'futuretag', value: 'x' }] },
  'iodef.test': { CAA: [{ flags: 0, tag: 'iodef', value: 'mailto:x@example.com' }] },
};

let dnsServer: ReturnType<typeof dns2.createServer>;
/** dns2's Resource type lists only some record shapes; CAA and multi-string TXT encode fine. */
const rr = (record: object) => record as unknown as InstanceType<typeof Packet>['answers'][number];
let resolver: DnsResolver;

beforeAll(async () => {
  dnsServer = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [q] = request.questions;
      const entry = zone[q?.name.toLowerCase() ?? ''] ?? {};
      if (q?.type === Packet.TYPE.A)
        for (const address of entry.A ?? [])
          response.answers.push(
            rr({ name: q.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address }),
          );
      if (q?.type === Packet.TYPE.TXT)
        for (const data of entry.TXT ?? [])
          response.answers.push(
            rr({ name: q.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 60, data }),
          );
      if (q?.type === Packet.TYPE.CAA)
        for (const caa of entry.CAA ?? [])
          response.answers.push(
            rr({ name: q.name, type: Packet.TYPE.CAA, class: Packet.CLASS.IN, ttl: 60, ...caa }),
          );
      send(response);
    },
  });
  const listening = new Promise<void>((resolve) => dnsServer.on('listening', () => resolve()));
  await dnsServer.listen({ udp: { port: 0, address: '127.0.0.1' } });
  await listening;
  const port = (dnsServer.addresses().udp as AddressInfo).port;
  resolver = createResolver(`127.0.0.1:${port}`, 1000);
});
afterAll(() => dnsServer.close());

describe('the configured resolver', () => {
  it('resolves A records through the configured server; an unknown name is a dns problem', async () => {
    expect(await resolver.addresses('web.test')).toEqual(['127.0.0.1']);
    expect(await resolver.addresses('192.0.2.1')).toEqual(['192.0.2.1']);
    await expect(resolver.addresses('missing.test')).rejects.toMatchObject({ type: 'dns' });
  });
  it('an unreachable resolver is a dns problem, not a crash', async () => {
    const dead = createResolver('127.0.0.1:1', 200);
    await expect(dead.addresses('web.test')).rejects.toMatchObject({ type: 'dns' });
  });
});

describe('dns-01 (RFC 8555 §8.4)', () => {
  it('accepts a matching TXT record among others, also split into several strings', async () => {
    await validateDns01({ type: 'dns', value: 'dns.test' }, 'tok.thumb', resolver);
    await validateDns01({ type: 'dns', value: 'split.test' }, 'tok.thumb', resolver);
  });
  it('refuses a wrong digest, a missing record and an IP identifier', async () => {
    await expect(
      validateDns01({ type: 'dns', value: 'dns.test' }, 'tok.other', resolver),
    ).rejects.toMatchObject({ type: 'incorrectResponse' });
    await expect(
      validateDns01({ type: 'dns', value: 'none.test' }, 'tok.thumb', resolver),
    ).rejects.toMatchObject({ type: 'dns' });
    await expect(
      validateDns01({ type: 'ip', value: '127.0.0.1' }, 'tok.thumb', resolver),
    ).rejects.toMatchObject({ type: 'malformed' });
  });
});

describe('http-01 (RFC 8555 §8.3)', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      if (req.url === '/.well-known/acme-challenge/good') {
        res.end('good.thumb\n');
        return;
      }
      if (req.url === '/.well-known/acme-challenge/hop') {
        res.writeHead(302, { Location: `http://web.test:${port}/.well-known/acme-challenge/good` });
        res.end();
        return;
      }
      if (req.url === '/.well-known/acme-challenge/far') {
        res.writeHead(301, { Location: 'http://web.test:8081/x' });
        res.end();
        return;
      }
      if (req.url === '/.well-known/acme-challenge/loop') {
        res.writeHead(302, { Location: `/.well-known/acme-challenge/loop` });
        res.end();
        return;
      }
      if (req.url === '/.well-known/acme-challenge/ftp') {
        res.writeHead(302, { Location: 'ftp://web.test/x' });
        res.end();
        return;
      }
      res.writeHead(404);
      res.end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const opts = () => ({ resolver, port, timeoutMs: 1000 });

  it('accepts the key authorization (trailing whitespace trimmed) with the Host header of the name', async () => {
    await validateHttp01({ type: 'dns', value: 'web.test' }, 'good', 'good.thumb', opts());
    expect(seen.at(-1)).toBe(`web.test:${port} /.well-known/acme-challenge/good`);
  });
  it('accepts an IP identifier', async () => {
    await validateHttp01({ type: 'ip', value: '127.0.0.1' }, 'good', 'good.thumb', opts());
  });
  it('follows a redirect to an allowed port', async () => {
    await validateHttp01({ type: 'dns', value: 'web.test' }, 'hop', 'good.thumb', opts());
  });
  it.each([
    ['a wrong body', 'good', 'other.thumb', 'incorrectResponse'],
    ['a 404', 'missing', 'x', 'unauthorized'],
    ['a redirect to another port', 'far', 'x', 'connection'],
    ['a redirect loop', 'loop', 'x', 'connection'],
    ['a redirect to another scheme', 'ftp', 'x', 'connection'],
  ])('refuses %s', async (_n, token, keyAuth, type) => {
    await expect(
      validateHttp01({ type: 'dns', value: 'web.test' }, token, keyAuth, opts()),
    ).rejects.toMatchObject({ type });
  });
  it('reports a refused connection as a connection problem', async () => {
    await expect(
      validateHttp01({ type: 'dns', value: 'web.test' }, 'good', 'x', { resolver, port: 1, timeoutMs: 500 }),
    ).rejects.toMatchObject({ type: 'connection' });
  });
});

describe('tls-alpn-01 (RFC 8737)', () => {
  let server: TlsServer;
  let port: number;
  const keyAuth = 'alpn.thumb';
  const digest = createHash('sha256').update(keyAuth).digest('hex').replace(/(..)/g, '$1:').slice(0, -1);
  function cert(san: string, ext: string) {
    const r = openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=acme',
      '-days',
      '1',
      '-addext',
      `subjectAltName=${san}`,
      ...(ext ? ['-addext', ext] : []),
      '-keyout',
      'k.pem',
      '-out',
      'c.pem',
    ]);
    return { key: readFileSync(`${r.dir}/k.pem`), cert: readFileSync(`${r.dir}/c.pem`) };
  }
  const good = () => cert('DNS:web.test', `1.3.6.1.5.5.7.1.31=critical,DER:04:20:${digest}`);
  const contexts: Record<string, ReturnType<typeof cert>> = {};
  beforeAll(async () => {
    contexts['web.test'] = good();
    contexts['noncritical.test'] = cert('DNS:noncritical.test', `1.3.6.1.5.5.7.1.31=DER:04:20:${digest}`);
    contexts['noext.test'] = cert('DNS:noext.test', '');
    contexts['twonames.test'] = cert(
      'DNS:twonames.test,DNS:x.test',
      `1.3.6.1.5.5.7.1.31=critical,DER:04:20:${digest}`,
    );
    contexts[reverseName('127.0.0.1')] = cert(
      'IP:127.0.0.1',
      `1.3.6.1.5.5.7.1.31=critical,DER:04:20:${digest}`,
    );
    server = createTlsServer(
      {
        ...good(),
        ALPNProtocols: ['acme-tls/1'],
        SNICallback: (name, cb) => {
          const c = contexts[name];
          cb(null, c ? createSecureContext(c) : undefined);
        },
      },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const opts = () => ({
    resolver: { ...resolver, addresses: async () => ['127.0.0.1'] },
    port,
    timeoutMs: 1000,
  });

  it('accepts the acmeIdentifier certificate for a name and for an IP (reverse-name SNI)', async () => {
    await validateTlsAlpn01({ type: 'dns', value: 'web.test' }, keyAuth, opts());
    await validateTlsAlpn01({ type: 'ip', value: '127.0.0.1' }, keyAuth, opts());
    expect(reverseName('192.0.2.1')).toBe('1.2.0.192.in-addr.arpa');
    expect(reverseName('2001:db8::1')).toMatch(/^1\.0\.0\.0\..*\.8\.b\.d\.0\.1\.0\.0\.2\.ip6\.arpa$/);
  });
  it.each([
    ['a wrong key authorization', 'web.test', 'other.thumb', 'incorrectResponse'],
    ['a non-critical extension', 'noncritical.test', keyAuth, 'unauthorized'],
    ['no acmeIdentifier', 'noext.test', keyAuth, 'unauthorized'],
    ['two names', 'twonames.test', keyAuth, 'unauthorized'],
  ])('refuses %s', async (_n, name, ka, type) => {
    await expect(validateTlsAlpn01({ type: 'dns', value: name }, ka, opts())).rejects.toMatchObject({ type });
  });
  it('refuses a server without acme-tls/1', async () => {
    const plain = createTlsServer(good(), (s) => s.end());
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()));
    const p = (plain.address() as AddressInfo).port;
    await expect(
      validateTlsAlpn01({ type: 'dns', value: 'web.test' }, keyAuth, { ...opts(), port: p }),
    ).rejects.toMatchObject({ type: expect.stringMatching(/tls|connection/) });
    plain.close();
  });
});

describe('CAA (RFC 8659, RFC 8657)', () => {
  const ctx = { identities: ['acme.test'], accountUri: 'https://acme.test/acct/1', method: 'http-01' };
  const check = (name: string, wildcard = false, c = ctx) =>
    checkCaa({ type: 'dns', value: name }, wildcard, resolver, c);

  it('allows: no records up the tree, our issuer, a parent naming us, records without issue', async () => {
    await check('none.test');
    await check('caa.test');
    await check('sub.caa.test');
    await check('iodef.test');
    await checkCaa({ type: 'ip', value: '192.0.2.1' }, false, resolver, ctx);
  });
  it('refuses: another CA, an empty issuer, an unknown critical property', async () => {
    await expect(check('other-ca.test')).rejects.toMatchObject({ type: 'caa' });
    await expect(check('nobody.test')).rejects.toMatchObject({ type: 'caa' });
    await expect(check('critical.test')).rejects.toMatchObject({ type: 'caa' });
  });
  it('uses issuewild for wildcards and issue otherwise', async () => {
    await check('wild.test');
    await expect(check('wild.test', true)).rejects.toMatchObject({ type: 'caa' });
  });
  it('honours accounturi and validationmethods (RFC 8657)', async () => {
    await check('bound.test');
    await expect(
      check('bound.test', false, { ...ctx, accountUri: 'https://acme.test/acct/2' }),
    ).rejects.toMatchObject({ type: 'caa' });
    await expect(check('bound.test', false, { ...ctx, method: 'tls-alpn-01' })).rejects.toMatchObject({
      type: 'caa',
    });
  });
  it('parses issue values', () => {
    expect(parseIssueValue('ca.example; a=b;c = d')).toEqual({
      issuer: 'ca.example',
      params: new Map([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    });
    expect(parseIssueValue('ca.example; broken')).toBeNull();
  });
});
