/**
 * http-01 (RFC 8555 §8.3): GET http://<name>/.well-known/acme-challenge/<token> must answer the key
 * authorization. Redirects are followed as Let's Encrypt does: at most 10 hops, only to ports 80 and
 * 443 (plus the configured validation port, for tests), and an https hop does not check the
 * certificate (the challenge proves control over HTTP, not TLS).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { problem } from '../problems.js';
import type { DnsResolver } from './resolver.js';

const MAX_BODY = 8192;
const MAX_HOPS = 10;

interface Fetched {
  status: number;
  body: string;
  location?: string;
}

function fetchOnce(url: URL, address: string, timeoutMs: number): Promise<Fetched> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: url.pathname + url.search,
        method: 'GET',
        headers: { host: url.host, 'user-agent': 'enrollment-gateway-acme-validator', accept: '*/*' },
        servername: isIP(url.hostname) ? undefined : url.hostname,
        rejectUnauthorized: false,
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_BODY) req.destroy(new Error('response too large'));
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

export interface Http01Options {
  resolver: DnsResolver;
  /** Port of the first request (80 per the RFC; configurable for tests). */
  port: number;
  timeoutMs: number;
}

export async function validateHttp01(
  identifier: { type: 'dns' | 'ip'; value: string },
  token: string,
  keyAuthorization: string,
  options: Http01Options,
): Promise<void> {
  const host =
    identifier.type === 'ip' && isIP(identifier.value) === 6 ? `[${identifier.value}]` : identifier.value;
  let url = new URL(`http://${host}:${options.port}/.well-known/acme-challenge/${token}`);
  const allowedPorts = new Set(['', '80', '443', String(options.port)]);
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const [address] = await options.resolver.addresses(hostname);
    if (!address) throw problem.dns(`No address for ${hostname}`);
    let res: Fetched;
    try {
      res = await fetchOnce(url, address, options.timeoutMs);
    } catch (cause) {
      throw problem.connection(`Fetching ${url.href}: ${(cause as Error).message}`, { cause });
    }
    if ([301, 302, 303, 307, 308].includes(res.status) && res.location) {
      let next: URL;
      try {
        next = new URL(res.location, url);
      } catch {
        throw problem.connection(`Redirect to an invalid URL from ${url.href}`);
      }
      if (!['http:', 'https:'].includes(next.protocol) || !allowedPorts.has(next.port)) {
        throw problem.connection(`Redirect to ${next.href} is not to port 80 or 443`);
      }
      url = next;
      continue;
    }
    if (res.status !== 200) {
      throw problem.unauthorized(`Invalid response from ${url.href}: HTTP ${res.status}`);
    }
    if (res.body.trim() !== keyAuthorization) {
      throw problem.incorrectResponse(`The key authorization at ${url.href} does not match`);
    }
    return;
  }
  throw problem.connection('Too many redirects');
}
