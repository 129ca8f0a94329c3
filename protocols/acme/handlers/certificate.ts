import type { AcmeHandler } from '../context.js';
import { link } from '../links.js';
import { problem } from '../problems.js';
import { accountOf, param } from './shared.js';

/**
 * §7.4.2: the certificate of a valid order as a PEM chain (leaf, then the issuing CA). The chain
 * with the root appended is offered as an alternate (Link rel="alternate") for clients that want a
 * chain ending in the self-signed root.
 */
export const certificate: AcmeHandler = async (ctx, deps) => {
  // The order and its certificate's PEM in one read: the order keeps only the certificate's serial.
  const found = await deps.store.orders.getWithCertificate(param(ctx, 'id'));
  if (!found || found.order.accountId !== accountOf(ctx).id) {
    throw problem.malformed('No such order', { status: 404 });
  }
  const { order, certificatePem: leaf } = found;
  if (order.status !== 'valid' || !leaf) throw problem.malformed('No such certificate', { status: 404 });
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
