import type { AcmeContext, AcmeDeps } from '../context.js';

/** One JWS check (RFC 8555 §6.2–6.5): throws an AcmeProblem or fills in the context. */
export type JwsRule = (ctx: AcmeContext, deps: AcmeDeps) => void | Promise<void>;
