/**
 * An in-process ACME test bench: a Core on a real store (SQLite or PostgreSQL), the ACME face
 * mounted by buildApp(), a tiny JWS client on node:crypto, and an http-01 responder the tests fill
 * (the validator's http-01 check reads it instead of the network).
 */
import { createHash, generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp } from '../../../src/app.js';
import { createLogger } from '../../../src/http/logger.js';
import { createAcmeFace, type AcmeFace, type AcmeFaceInput } from '../../../protocols/acme/index.js';
import { createAcmeStore } from '../../../src/store/acme/acme-store.js';
import { testCore, type TestCore } from '../../helpers/core.js';
import type { TestDialect } from '../../helpers/db.js';
import { problem } from '../../../protocols/acme/problems.js';
import type { AcmeOptions } from '../../../protocols/acme/context.js';
import type { RateLimits } from '../../../protocols/acme/rate-limit.js';
import { randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, Certificate, id_ce_authorityKeyIdentifier } from '@peculiar/asn1-x509';

export const BASE = 'https://acme.test';

export type KeyKind = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'PS256' | 'EdDSA';

export interface AccountKeyPair {
  alg: KeyKind;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function accountKey(alg: KeyKind = 'ES256'): AccountKeyPair {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'ES384'
        ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : alg === 'ES512'
          ? generateKeyPairSync('ec', { namedCurve: 'P-521' })
          : alg === 'EdDSA'
            ? generateKeyPairSync('ed25519')
            : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { alg, ...pair, jwk };
}

export function thumbprintOf(jwk: Record<string, unknown>): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

export function signJws(
  key: AccountKeyPair,
  header: Record<string, unknown>,
  payload: unknown | '',
  alg: string = key.alg,
): { protected: string; payload: string; signature: string } {
  const p = b64({ alg, ...header });
  const body = payload === '' ? '' : b64(payload);
  const input = Buffer.from(`${p}.${body}`);
  const hash = {
    ES256: 'sha256',
    ES384: 'sha384',
    ES512: 'sha512',
    RS256: 'sha256',
    PS256: 'sha256',
    EdDSA: null,
  }[key.alg];
  const signature =
    key.alg === 'PS256'
      ? sign(hash, input, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
      : key.alg.startsWith('ES')
        ? sign(hash, input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
        : sign(hash, input, key.privateKey);
  return { protected: p, payload: body, signature: signature.toString('base64url') };
}

/** RFC 9773 §4.1: the renewalInfo certID of a PEM certificate, base64url(AKI keyIdentifier) "." base64url(serial). */
export function certId(pem: string): string {
  const der = Buffer.from(pem.split('-----')[2]?.replace(/\s+/g, '') ?? '', 'base64');
  const cert = AsnConvert.parse(der, Certificate);
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_authorityKeyIdentifier);
  const aki = ext ? AsnConvert.parse(ext.extnValue, AuthorityKeyIdentifier).keyIdentifier : undefined;
  const keyId = aki ? Buffer.from(aki.buffer) : Buffer.alloc(0);
  return `${keyId.toString('base64url')}.${Buffer.from(cert.tbsCertificate.serialNumber).toString('base64url')}`;
}

export interface PostOptions {
  kid?: string | null;
  jwk?: boolean;
  nonce?: string;
  url?: string;
  alg?: string;
  extraHeader?: Record<string, unknown>;
  contentType?: string;
  body?: string;
  key?: AccountKeyPair;
}

export class Bench {
  http01 = new Map<string, string>();
  readonly app: Express;
  constructor(
    readonly t: TestCore,
    readonly face: AcmeFace,
    readonly profile: string,
    readonly nonceKey: Buffer,
  ) {
    this.app = buildApp({
      core: t.core,
      ca: t.ca,
      logger: createLogger('silent'),
      bodyLimit: '256kb',
      acme: face.router,
    }).https;
  }

  url(path: string): string {
    return `${BASE}/acme/${this.profile}${path}`;
  }

  path(url: string): string {
    return url.startsWith(BASE) ? url.slice(BASE.length) : url;
  }

  async nonce(): Promise<string> {
    const res = await request(this.app).head(`/acme/${this.profile}/new-nonce`);
    return res.headers['replay-nonce'] as string;
  }

  client(alg: KeyKind = 'ES256'): Client {
    return new Client(this, accountKey(alg));
  }

  cleanup() {
    return this.face.deps.validator.idle().then(() => this.t.cleanup());
  }
}

export class Client {
  kid: string | null = null;
  constructor(
    readonly bench: Bench,
    public key: AccountKeyPair,
  ) {}

  async post(url: string, payload: unknown | '', o: PostOptions = {}) {
    const key = o.key ?? this.key;
    const kid = o.kid === undefined ? this.kid : o.kid;
    const header: Record<string, unknown> = {
      nonce: o.nonce ?? (await this.bench.nonce()),
      url: o.url ?? url,
      ...(o.jwk || !kid ? { jwk: key.jwk } : { kid }),
      ...o.extraHeader,
    };
    const body = o.body ?? JSON.stringify(signJws(key, header, payload, o.alg));
    return request(this.bench.app)
      .post(this.bench.path(url))
      .set('Content-Type', o.contentType ?? 'application/jose+json')
      .send(body);
  }

  async register(payload: Record<string, unknown> = { termsOfServiceAgreed: true }) {
    const res = await this.post(this.bench.url('/new-acct'), payload, { kid: null });
    if (res.status === 201 || res.status === 200) this.kid = res.headers.location as string;
    return res;
  }

  async order(names: string[]) {
    return this.post(this.bench.url('/new-order'), {
      identifiers: names.map((value) => ({ type: /^[\d.:]+$/.test(value) ? 'ip' : 'dns', value })),
    });
  }

  /** Serves every http-01 challenge of the order, answers it, waits until the order is ready. */
  async authorize(orderBody: { authorizations: string[] }) {
    for (const authzUrl of orderBody.authorizations) {
      const authz = (await this.post(authzUrl, '')).body as {
        challenges: { type: string; url: string; token: string }[];
        status: string;
      };
      if (authz.status === 'valid') continue;
      const ch = authz.challenges.find((c) => c.type === 'http-01');
      if (!ch) throw new Error('no http-01');
      this.bench.http01.set(ch.token, `${ch.token}.${thumbprintOf(this.key.jwk)}`);
      await this.post(ch.url, {});
    }
    await this.bench.face.deps.validator.idle();
  }

  /** Account, order, http-01, finalize: the order response after finalize. */
  async issue(names: string[], csrDer: Uint8Array) {
    const order = await this.order(names);
    await this.authorize(order.body);
    return this.post(order.body.finalize, { csr: Buffer.from(csrDer).toString('base64url') });
  }
}

export const testOptions: AcmeOptions = {
  termsOfService: null,
  website: 'https://example.test/',
  caaIdentities: ['acme.test'],
  orderLifetimeSeconds: 3600,
  authzLifetimeSeconds: 3600,
  authzReuseSeconds: 3600,
  retryAfterSeconds: 2,
  defaultProfile: 'default',
  maxIdentifiers: 10,
  ordersPageSize: 2,
};

/** A bench on `dialect` whose profile has `settings`; a second app on the same store shares the nonce key. */
export async function acmeBench(
  dialect: TestDialect,
  settings: Parameters<TestCore['profile']>[0] = {},
  options: Partial<AcmeOptions> = {},
  shared?: { t: TestCore; nonceKey: Buffer; profile: string },
  rateLimits?: RateLimits,
  extra: {
    checks?: AcmeFaceInput['checks'];
    retryDelaysMs?: number[];
    resolver?: AcmeFaceInput['resolver'];
    validLifetimeSeconds?: number;
  } = {},
): Promise<Bench> {
  const t = shared?.t ?? (await testCore(dialect));
  const profile = shared?.profile ?? (await t.profile(settings)).name;
  let bench: Bench | null = null;
  const nonceKey = shared?.nonceKey ?? randomBytes(32);
  const face = createAcmeFace({
    core: t.core,
    store: createAcmeStore(t.store.knex),
    nonceKey,
    publicUrl: BASE,
    logger: createLogger('silent'),
    bodyLimit: '256kb',
    rateLimits,
    resolver: extra.resolver,
    options: { ...testOptions, defaultProfile: profile, ...options },
    validation: {
      dnsResolver: null,
      http01Port: 80,
      tlsAlpn01Port: 443,
      timeoutMs: 1000,
      validLifetimeSeconds: extra.validLifetimeSeconds ?? 3600,
      retryDelaysMs: extra.retryDelaysMs ?? [],
    },
    checks: {
      'http-01': async (_authz, challenge, keyAuthorization) => {
        if (bench?.http01.get(challenge.token) !== keyAuthorization)
          throw problem.incorrectResponse('wrong key authorization');
      },
      ...extra.checks,
    },
  });
  bench = new Bench(t, face, profile, nonceKey);
  return bench;
}
