/**
 * A one-account ACME client for the in-process benchmarks: keep-alive HTTPS trusting the gateway's
 * root, an ES256 key, the nonce carried from answer to answer (RFC 8555 §6.5) and `kid` once the
 * account exists (§6.2). Just enough to drive orders; bench/acme/driver.ts is the load driver.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Agent, request } from 'node:https';

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  /** The body parsed when it is a JSON object, else empty. */
  json: Record<string, unknown>;
}

export const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export interface JwsClient {
  directory: Record<string, string>;
  /** Fetches a fresh nonce for the next POST. */
  newNonce(): Promise<void>;
  /** A JWS POST (`''` payload: POST-as-GET); throws on a 4xx/5xx answer. */
  post(url: string, payload: unknown): Promise<Answer>;
  /** newAccount, then `kid` on every later POST. */
  register(): Promise<void>;
  close(): void;
}

export async function jwsClient(baseUrl: string, rootCa: Buffer): Promise<JwsClient> {
  const agent = new Agent({ keepAlive: true, ca: rootCa });
  const send = (method: string, url: string, body?: string) =>
    new Promise<Omit<Answer, 'json'>>((res, rej) => {
      const headers = body
        ? { 'content-type': 'application/jose+json', 'content-length': Buffer.byteLength(body) }
        : {};
      const req = request(url, { method, agent, headers }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () =>
          res({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks).toString() }),
        );
      });
      req.on('error', rej);
      req.end(body);
    });
  const directory = JSON.parse((await send('GET', `${baseUrl}/acme/directory`)).body) as Record<
    string,
    string
  >;
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = key.publicKey.export({ format: 'jwk' });
  let kid = '';
  let nonce = '';
  const newNonce = async () => {
    nonce = String((await send('HEAD', directory.newNonce as string)).headers['replay-nonce']);
  };
  const post = async (url: string, payload: unknown): Promise<Answer> => {
    const header = b64(JSON.stringify({ alg: 'ES256', nonce, url, ...(kid ? { kid } : { jwk }) }));
    const body = payload === '' ? '' : b64(JSON.stringify(payload));
    const sig = sign('sha256', Buffer.from(`${header}.${body}`), {
      key: key.privateKey as KeyObject,
      dsaEncoding: 'ieee-p1363',
    });
    const r = await send(
      'POST',
      url,
      JSON.stringify({ protected: header, payload: body, signature: b64(sig) }),
    );
    nonce = String(r.headers['replay-nonce']);
    if (r.status >= 400) throw new Error(`${url}: ${r.status} ${r.body}`);
    return { ...r, json: r.body.startsWith('{') ? (JSON.parse(r.body) as Record<string, unknown>) : {} };
  };
  return {
    directory,
    newNonce,
    post,
    register: async () => {
      kid = String(
        (await post(directory.newAccount as string, { termsOfServiceAgreed: true })).headers.location,
      );
    },
    close: () => agent.destroy(),
  };
}
