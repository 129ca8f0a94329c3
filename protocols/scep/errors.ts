/**
 * The SCEP face's two kinds of refusal (RFC 8894 §3.3.2.2, STYLE.md "one error style per face"):
 * before the message is understood well enough to answer (no transactionID, nonce or signer) an HTTP
 * 400 with a plain-text reason; afterwards a CertRep FAILURE signed by the RA, with a failInfo and a
 * failInfoText. Core errors are mapped to failInfo in exactly one function, {@link failureOf}.
 */
import { CoreError } from '../../src/core/errors.js';
import type { FailInfoName } from './wire/oids.js';

/** Answered as HTTP 400 text/plain (or 404 for an unknown profile or operation). */
export class ScepHttpError extends Error {
  override readonly name = 'ScepHttpError';
  constructor(
    readonly status: 400 | 404 | 405 | 413,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** Answered as a signed CertRep with pkiStatus FAILURE. */
export class ScepFailure extends Error {
  override readonly name = 'ScepFailure';
  constructor(
    readonly failInfo: FailInfoName,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export const httpError = (message: string, cause?: unknown) => new ScepHttpError(400, message, { cause });

/** The one mapping from anything thrown after decryption to a CertRep FAILURE. */
export function failureOf(err: unknown): ScepFailure {
  if (err instanceof ScepFailure) return err;
  if (err instanceof CoreError) {
    // The core's messages are written for requesters; the details (policy findings) stay in the log.
    return new ScepFailure('badRequest', err.message, { cause: err });
  }
  return new ScepFailure('badRequest', 'The request could not be processed', { cause: err });
}
