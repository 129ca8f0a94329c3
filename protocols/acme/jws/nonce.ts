import { problem } from '../problems.js';
import type { JwsRule } from './rule.js';

/** §6.5: the nonce is one this server issued, unexpired and never redeemed before (on any instance). */
export const replayNonce: JwsRule = async (ctx, deps) => {
  if (!(await deps.nonces.redeem(ctx.header?.nonce ?? ''))) {
    throw problem.badNonce(
      'The nonce is unknown, expired or already used; retry with the Replay-Nonce of this response',
    );
  }
};
