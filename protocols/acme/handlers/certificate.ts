import type { AcmeHandler } from '../context.js';
import { link } from '../links.js';
import { problem } from '../problems.js';
import { ownedOrder } from './shared.js';

/**
 * §7.4.2: the certificate of a valid order as a PEM chain (leaf, then the issuing CA). The chain
 * with the root appended is offered as an alternate (Link rel="alternate") for clients that want a
 * chain ending in the self-signed root.
 */
export const certificate: AcmeHandler = async (ctx, deps) => {
  const order = await ownedOrder(ctx, deps);
  if (order.status !== 'valid' || !order.certificateSerial)
    throw problem.malformed('No such certificate', { status: 404 });
  const leaf = order.certificatePem ?? (await deps.core.store.certificates.get(order.certificateSerial))?.pem;
  if (!leaf) throw problem.malformed('No such certificate', { status: 404 });
  const chain = deps.core.ca.caChain();
  const alternate = ctx.params.alt !== undefined;
  if (alternate && ctx.params.alt !== '1') throw problem.malformed('No such certificate', { status: 404 });
  const parts = alternate ? chain : chain.slice(0, Math.max(1, chain.length - 1));
  const pem = [leaf, ...parts].map((p) => p.trim() + '\n').join('');
  const name = ctx.profile.name;
  return {
    status: 200,
    text: pem,
    contentType: 'application/pem-certificate-chain',
    links: alternate
      ? [link(deps.linker.certificate(name, order.id), 'alternate')]
      : chain.length > 1
        ? [link(deps.linker.certificate(name, order.id, 1), 'alternate')]
        : [],
  };
};
