/**
 * Every failure the core reports, by stable code. Each face (ACME, SCEP, admin API) maps these codes to
 * its own wire in exactly one function; the `cause` is for logs and is never serialized.
 */
export const coreErrorCodes = {
  not_found: 'The requested object does not exist',
  conflict: 'The object already exists or was changed concurrently',
  invalid_input: 'The input is malformed',
  invalid_state: 'The object is not in a state that allows this operation',
  profile_not_active: 'The certificate profile is not active',
  protocol_not_allowed: 'The certificate profile does not allow this protocol',
  bad_csr: 'The certificate signing request is malformed or its signature is invalid',
  invalid_name: 'A name or subject contains a control or bidirectional control character',
  key_policy: 'The public key does not satisfy the profile key policy',
  domain_policy: 'A requested name is refused by the profile domain policy',
  self_approval: 'A requester may not decide on their own request',
  already_decided: 'This approver has already decided on the request',
  code_invalid: 'The enrolment code is wrong',
  code_expired: 'The enrolment code has expired',
  code_locked: 'The enrolment code is locked after too many failed attempts',
  code_revoked: 'The enrolment code has been revoked or used',
  notifications_not_configured: 'No mail server or webhook is configured, so nobody can be notified',
  ca_failure: 'The certificate authority failed to issue',
  store_unavailable: 'The store is unavailable',
  unauthorized: 'Authentication failed',
  forbidden: 'The actor may not perform this operation',
  invalid_credentials: 'Wrong user name or password',
  account_locked: 'The account is locked after too many failed sign-ins',
  csrf_token_invalid: 'The X-CSRF-Token header is missing or does not match the session',
} as const;

export type CoreErrorCode = keyof typeof coreErrorCodes;

export class CoreError extends Error {
  override readonly name = 'CoreError';
  readonly code: CoreErrorCode;
  /** Structured facts a face may show (for example the policy rule and the refused name). */
  readonly details: Record<string, unknown>;

  constructor(
    code: CoreErrorCode,
    message?: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(
      message ?? coreErrorCodes[code],
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isCoreError(err: unknown, code?: CoreErrorCode): err is CoreError {
  return err instanceof CoreError && (code === undefined || err.code === code);
}
