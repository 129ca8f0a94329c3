/**
 * The one registry of ACME problem documents (RFC 8555 §6.7, RFC 7807). Each type has one
 * constructor; handlers throw an AcmeProblem, the route table's error boundary serializes it as
 * application/problem+json. The internal `cause` is logged and never sent.
 */
import { CoreError, type CoreErrorCode } from '../../src/core/errors.js';
import { HttpError } from '../../src/http/errors.js';

/** RFC 8555 §6.7 error types (plus RFC 9773's alreadyReplaced), with their HTTP status and default detail. */
export const problemTypes = {
  accountDoesNotExist: { status: 400, detail: 'No account exists with the provided key' },
  alreadyRevoked: { status: 400, detail: 'The certificate is already revoked' },
  alreadyReplaced: { status: 409, detail: 'The certificate has already been replaced' },
  badCSR: { status: 400, detail: 'The CSR is unacceptable' },
  badNonce: { status: 400, detail: 'The nonce is invalid or has been used' },
  badPublicKey: { status: 400, detail: 'The JWS was signed by a public key the server does not support' },
  badRevocationReason: { status: 400, detail: 'The revocation reason is not allowed' },
  badSignatureAlgorithm: {
    status: 400,
    detail: 'The JWS was signed with an algorithm the server does not support',
  },
  caa: { status: 403, detail: 'CAA records forbid the CA from issuing a certificate' },
  compound: { status: 400, detail: 'Several errors occurred; see the subproblems' },
  connection: { status: 400, detail: 'The server could not connect to the validation target' },
  dns: { status: 400, detail: 'There was a problem with a DNS query during identifier validation' },
  externalAccountRequired: { status: 400, detail: 'This directory requires an external account binding' },
  incorrectResponse: { status: 403, detail: 'The response received did not match the challenge' },
  invalidContact: { status: 400, detail: 'A contact URL for the account was invalid' },
  /** draft-ietf-acme-profiles: the order names a profile this directory does not offer. */
  invalidProfile: { status: 400, detail: 'The requested profile is not offered by this directory' },
  malformed: { status: 400, detail: 'The request message was malformed' },
  orderNotReady: { status: 403, detail: 'The order is not ready to be finalized' },
  rateLimited: { status: 429, detail: 'The request exceeds a rate limit' },
  rejectedIdentifier: { status: 400, detail: 'The server will not issue certificates for the identifier' },
  serverInternal: { status: 500, detail: 'The server experienced an internal error' },
  tls: { status: 400, detail: 'The server received a TLS error during validation' },
  unauthorized: { status: 403, detail: 'The client lacks sufficient authorization' },
  unsupportedContact: {
    status: 400,
    detail: 'A contact URL for the account used an unsupported protocol scheme',
  },
  unsupportedIdentifier: { status: 400, detail: 'An identifier is of an unsupported type' },
  userActionRequired: {
    status: 403,
    detail: 'Visit the "instance" URL and take the actions specified there',
  },
} as const;

export type ProblemType = keyof typeof problemTypes;

/** An identifier as RFC 8555 §7.1.3 and §6.7.1 (subproblems) name it. */
export interface WireIdentifier {
  type: string;
  value: string;
}

/** The JSON body of a problem document. */
export interface ProblemDocument {
  type: string;
  detail: string;
  status: number;
  subproblems?: ProblemDocument[];
  identifier?: WireIdentifier;
  /** badSignatureAlgorithm: the algorithms the server accepts (§6.7). */
  algorithms?: string[];
  instance?: string;
}

export class AcmeProblem extends Error {
  override readonly name = 'AcmeProblem';
  readonly type: ProblemType;
  readonly status: number;
  readonly extra: Partial<ProblemDocument>;
  /** Extra response headers (Retry-After for rateLimited, Link for userActionRequired). */
  readonly headers: Record<string, string>;

  constructor(
    type: ProblemType,
    detail?: string,
    options: {
      status?: number;
      extra?: Partial<ProblemDocument>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(
      detail ?? problemTypes[type].detail,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.type = type;
    this.status = options.status ?? problemTypes[type].status;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  toJSON(): ProblemDocument {
    return { type: urn(this.type), detail: this.message, status: this.status, ...this.extra };
  }
}

export function urn(type: ProblemType): string {
  return `urn:ietf:params:acme:error:${type}`;
}

/** One constructor per type, so call sites read `problem.badNonce()`. */
export const problem = Object.fromEntries(
  (Object.keys(problemTypes) as ProblemType[]).map((type) => [
    type,
    (detail?: string, options?: ConstructorParameters<typeof AcmeProblem>[2]) =>
      new AcmeProblem(type, detail, options),
  ]),
) as {
  [K in ProblemType]: (
    detail?: string,
    options?: ConstructorParameters<typeof AcmeProblem>[2],
  ) => AcmeProblem;
};

/** A problem about one identifier, for `subproblems` (§6.7.1). */
export function subproblem(type: ProblemType, identifier: WireIdentifier, detail?: string): ProblemDocument {
  return {
    type: urn(type),
    detail: detail ?? problemTypes[type].detail,
    status: problemTypes[type].status,
    identifier,
  };
}

/** The ACME type of each core error: the one mapping from the core to this face. */
const fromCore: Record<CoreErrorCode, ProblemType> = {
  not_found: 'malformed',
  conflict: 'malformed',
  invalid_input: 'malformed',
  invalid_state: 'malformed',
  profile_not_active: 'unauthorized',
  protocol_not_allowed: 'unauthorized',
  bad_csr: 'badCSR',
  invalid_name: 'badCSR',
  key_policy: 'badCSR',
  domain_policy: 'rejectedIdentifier',
  self_approval: 'unauthorized',
  already_decided: 'malformed',
  code_invalid: 'unauthorized',
  code_expired: 'unauthorized',
  code_locked: 'unauthorized',
  code_revoked: 'unauthorized',
  notifications_not_configured: 'malformed',
  ca_failure: 'serverInternal',
  store_unavailable: 'serverInternal',
  unauthorized: 'unauthorized',
  forbidden: 'unauthorized',
  invalid_credentials: 'unauthorized',
  account_locked: 'unauthorized',
  csrf_token_invalid: 'unauthorized',
};

/** Anything thrown → a problem. Core errors keep their message; anything else becomes serverInternal. */
export function toProblem(err: unknown): AcmeProblem {
  if (err instanceof AcmeProblem) return err;
  if (err instanceof CoreError) {
    const type = fromCore[err.code];
    // Internal failures never expose the core's message.
    const detail = type === 'serverInternal' ? undefined : err.message;
    const status = err.code === 'not_found' ? 404 : err.code === 'store_unavailable' ? 503 : undefined;
    return new AcmeProblem(type, detail, { status, cause: err });
  }
  // The HTTP glue's refusals (path, charset, method) say what is wrong; keep their status and message.
  if (err instanceof HttpError) return new AcmeProblem('malformed', err.message, { status: err.status });
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large')
    return new AcmeProblem('malformed', 'The request body is too large', { status: 413 });
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AcmeProblem('malformed', undefined, { status: e.status, cause: err });
  }
  return new AcmeProblem('serverInternal', undefined, { cause: err });
}

/**
 * A refusal the HTTP server writes by itself (431 head too large, 408 too slow, 400 unparsable) as a
 * problem document, for the listener's client-error answers on /acme paths.
 */
export function problemWire(status: number, _code: string, message: string) {
  return {
    contentType: 'application/problem+json',
    body: JSON.stringify(problem.malformed(message, { status }).toJSON()),
  };
}
