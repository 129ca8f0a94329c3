import { problem } from '../problems.js';
import type { JwsRule } from './rule.js';
import { confirmAccount } from './signature.js';

/**
 * §6.5: the nonce is one this server issued, unexpired and never redeemed before (on any instance).
 * For a `kid` request the same statement reads the account, which confirms (or overrides) the one
 * the signature rule found.
 */
export const replayNonce: JwsRule = async (ctx, deps) => {
  const redemption = await deps.nonces.redeem(ctx.header?.nonce ?? '', ctx.account?.id);
  if (!redemption.redeemed) {
    throw problem.badNonce(
      'The nonce is unknown, expired or already used; retry with the Replay-Nonce of this response',
    );
  }
  if (ctx.account) confirmAccount(ctx, deps, redemption.account ?? null);
};
