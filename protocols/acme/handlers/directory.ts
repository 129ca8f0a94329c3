import type { AcmeHandler } from '../context.js';
import type { WireDirectory } from '../wire.js';

/** §7.1.1: the directory of one profile; `meta.profiles` (draft-ietf-acme-profiles) names it. */
export const directory: AcmeHandler = async (ctx, deps) => {
  const { linker, options } = deps;
  const name = ctx.profile.name;
  const body: WireDirectory = {
    newNonce: linker.newNonce(name),
    newAccount: linker.newAccount(name),
    newOrder: linker.newOrder(name),
    newAuthz: linker.newAuthz(name),
    revokeCert: linker.revokeCert(name),
    keyChange: linker.keyChange(name),
    renewalInfo: linker.renewalInfo(name),
    meta: {
      ...(options.termsOfService ? { termsOfService: options.termsOfService } : {}),
      ...(options.website ? { website: options.website } : {}),
      ...(options.caaIdentities.length ? { caaIdentities: options.caaIdentities } : {}),
      externalAccountRequired: ctx.profile.acme.externalAccountRequired,
      profiles: { [name]: ctx.profile.description || `Certificate profile ${name}` },
    },
  };
  return { status: 200, body };
};

/** §7.2: HEAD answers 200, GET 204, each with a fresh nonce (the only GET that carries one). */
export const newNonce: AcmeHandler = async (ctx, deps) => ({
  status: ctx.method === 'HEAD' ? 200 : 204,
  replayNonce: deps.nonces.issue(),
});
