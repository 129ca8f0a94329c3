/**
 * External Account Binding (§7.3.4): an HMAC JWS over the new account's key, made with a MAC key
 * the operator handed out. Here the key id is an enrolment code (purpose acme-eab) of the profile
 * and the MAC key is that code's secret, so codes expire, lock after failed MACs and are audited.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isCoreError } from '../../../src/core/errors.js';
import type { AcmeContext, AcmeDeps } from '../context.js';
import { problem } from '../problems.js';
import { thumbprint, publicMembers } from '../jws/jwk.js';

const macAlgorithms: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function b64json(value: string, what: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw problem.malformed(`The externalAccountBinding ${what} is not base64url JSON`);
}

/** What a verified binding names: the code (the EAB key id) and the asset the code is bound to. */
export interface ExternalAccount {
  keyId: string;
  assetId: string | null;
}

/** Verifies the binding and returns the code it names; throws a problem otherwise. */
export async function verifyExternalAccountBinding(
  ctx: AcmeContext,
  deps: AcmeDeps,
  binding: unknown,
  accountUrl: string,
): Promise<ExternalAccount> {
  if (!binding || typeof binding !== 'object' || Array.isArray(binding)) {
    throw problem.malformed('externalAccountBinding must be a flattened JWS object');
  }
  const jws = binding as Record<string, unknown>;
  if (
    typeof jws.protected !== 'string' ||
    typeof jws.payload !== 'string' ||
    typeof jws.signature !== 'string'
  ) {
    throw problem.malformed('externalAccountBinding must have protected, payload and signature');
  }
  const header = b64json(jws.protected, 'header');
  const hash = typeof header.alg === 'string' ? macAlgorithms[header.alg] : undefined;
  if (!hash)
    throw problem.badSignatureAlgorithm('externalAccountBinding must use HS256, HS384 or HS512', {
      extra: { algorithms: Object.keys(macAlgorithms) },
    });
  if ('nonce' in header) throw problem.malformed('externalAccountBinding must not carry a nonce');
  if (header.url !== ctx.url)
    throw problem.malformed('externalAccountBinding url must be the newAccount URL');
  if (typeof header.kid !== 'string' || !/^[0-9a-f-]{36}$/.test(header.kid)) {
    throw problem.unauthorized('externalAccountBinding names an unknown key');
  }
  const inner = b64json(jws.payload, 'payload');
  let sameKey = false;
  try {
    sameKey = !!ctx.key && thumbprint(publicMembers(inner)) === ctx.key.thumbprint;
  } catch {
    sameKey = false;
  }
  if (!sameKey) throw problem.malformed('externalAccountBinding payload must be the account key');
  const kid = header.kid;
  const code = await deps.core.store.codes.get(kid);
  if (!code || code.purpose !== 'acme-eab' || code.profileId !== ctx.profile.id) {
    throw problem.unauthorized('externalAccountBinding names an unknown key');
  }
  const signature = Buffer.from(jws.signature, 'base64url');
  try {
    const verified = await deps.core.codes.verify(
      kid,
      (secret) => {
        const mac = createHmac(hash, Buffer.from(secret, 'base64url'))
          .update(`${jws.protected}.${jws.payload}`)
          .digest();
        return mac.length === signature.length && timingSafeEqual(mac, signature);
      },
      accountUrl,
    );
    return { keyId: kid, assetId: verified.assetId };
  } catch (err) {
    if (isCoreError(err) && err.code.startsWith('code_')) {
      throw problem.unauthorized(`externalAccountBinding refused: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
