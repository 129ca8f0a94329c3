/**
 * §7.4 finalize: the CSR must name exactly the order's identifiers, be signed by its own key, and
 * that key must not be the account key. The order then goes to the core as one enrolment request:
 * issued → valid; pending approval → processing + Retry-After; refused → invalid with the reason.
 */
import { parseCsr, type ParsedCsr } from '../../../src/core/csr/parse.js';
import { isCoreError } from '../../../src/core/errors.js';
import type { AcmeDeps, AcmeHandler } from '../context.js';
import { spkiDer } from '../jws/jwk.js';
import { AcmeProblem, problem, toProblem } from '../problems.js';
import type { Account, Order } from '../store.js';
import { orderResponse } from './order.js';
import { accountOf, ownedOrder, refreshOrder } from './shared.js';
import { mayOrder } from '../account-approval.js';

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

/** The CSR's names against the order's identifiers (§7.4: "MUST match exactly"). */
function checkNames(csr: ParsedCsr, order: Order): void {
  const dns = order.identifiers.filter((i) => i.type === 'dns').map((i) => i.value);
  const ips = order.identifiers.filter((i) => i.type === 'ip').map((i) => i.value);
  const csrDns = csr.dnsNames.map((n) => n.toLowerCase());
  const cn = csr.commonName?.toLowerCase();
  if (cn && !csrDns.includes(cn) && !csr.ipAddresses.includes(cn)) csrDns.push(cn);
  if (!sameSet(csrDns, dns) || !sameSet(csr.ipAddresses, ips)) {
    throw problem.badCSR(
      `The CSR names (${[...csrDns, ...csr.ipAddresses].join(', ') || 'none'}) are not exactly the order's identifiers (${order.identifiers.map((i) => i.value).join(', ')})`,
    );
  }
}

function readCsr(payload: Record<string, unknown>): ParsedCsr {
  if (typeof payload.csr !== 'string' || !/^[A-Za-z0-9_-]+$/.test(payload.csr)) {
    throw problem.malformed('csr must be the base64url DER of a PKCS#10 request');
  }
  try {
    return parseCsr(Buffer.from(payload.csr, 'base64url'));
  } catch (err) {
    throw problem.badCSR(isCoreError(err) ? err.message : 'The CSR cannot be parsed', { cause: err });
  }
}

/**
 * The asset of the EAB code the account was bound with (§7.3.4): its certificates are recorded under
 * that asset. Kept on the account at registration; accounts stored before that read the code.
 */
async function assetOf(deps: AcmeDeps, account: Account): Promise<string | null> {
  if (account.eabAssetId !== undefined) return account.eabAssetId;
  if (!account.eabKeyId) return null;
  return (await deps.core.store.codes.get(account.eabKeyId))?.assetId ?? null;
}

/**
 * CAA again before issuing when the profile checks it: an order may reuse authorizations validated
 * longer ago than a CAA answer may be relied on. A CAA refusal leaves the order invalid with it; a
 * DNS failure leaves it ready, for the client to finalize again.
 */
async function recheckCaa(
  deps: AcmeDeps,
  name: string,
  account: Account,
  order: Order,
  from: Order['status'],
) {
  const authzs = await deps.store.authorizations.getMany(order.authorizationIds);
  try {
    await deps.validator.recheckCaa(authzs, deps.linker.account(name, account.id));
  } catch (err) {
    const failure = toProblem(err);
    if (failure.type === 'caa') {
      const invalid: Order = {
        ...order,
        status: 'invalid',
        error: failure.toJSON(),
        updatedAt: deps.core.clock.now(),
      };
      await deps.store.orders.update(invalid, from);
    }
    throw failure;
  }
}

/**
 * The earlier order whose request this order's finalize joined: the certificate will be issued for
 * this order's CSR (its client holds that key), so the earlier order can never be valid. It ends
 * `invalid` (§7.1.6) naming its successor, rather than `processing` until it expires.
 */
async function supersede(deps: AcmeDeps, name: string, orderId: string, successor: Order): Promise<void> {
  const earlier = await deps.store.orders.get(orderId);
  if (earlier?.status !== 'processing' || earlier.accountId !== successor.accountId) return;
  const error = problem.unauthorized(
    `A newer order for the same identifiers (${deps.linker.order(name, successor.id)}) took over this order's request for approval; the certificate is issued to that order`,
  );
  await deps.store.orders.update(
    { ...earlier, status: 'invalid', error: error.toJSON(), updatedAt: deps.core.clock.now() },
    'processing',
  );
}

export const finalize: AcmeHandler = async (ctx, deps) => {
  await mayOrder(ctx, deps);
  const account = accountOf(ctx);
  const name = ctx.profile.name;
  const stored = await ownedOrder(ctx, deps);
  // Not persisted when it only becomes ready: the compare-and-set below moves it on from what is stored.
  const order = await refreshOrder(deps, stored, { persistReady: false });
  if (order.status !== 'ready') {
    throw problem.orderNotReady(`The order is ${order.status}, not ready`);
  }
  const csr = readCsr(ctx.payload as Record<string, unknown>);
  if (!csr.signatureValid) throw problem.badCSR('The CSR signature does not verify');
  checkNames(csr, order);
  if (ctx.key && Buffer.from(csr.publicKey.spkiDer).equals(spkiDer(ctx.key.key))) {
    throw problem.badCSR('The CSR key must not be the account key');
  }
  if (ctx.profile.acme.caaCheck) await recheckCaa(deps, name, account, order, stored.status);
  const now = deps.core.clock.now();
  const processing: Order = { ...order, status: 'processing', updatedAt: now };
  // Compare-and-set: of two racing finalize requests, one submits; the other is told the order is not ready.
  if (!(await deps.store.orders.update(processing, stored.status))) {
    throw problem.orderNotReady('The order is already being finalized');
  }

  let result: Awaited<ReturnType<typeof deps.core.submit>>;
  try {
    result = await deps.core.submit({
      protocol: 'acme',
      // By id: the core re-reads it, so disabling a profile stops issuance at once despite the route's 2 s cache.
      profile: ctx.profile.id,
      assetId: await assetOf(deps, account),
      requester: deps.linker.account(name, account.id),
      csr: csr.der,
      parsedCsr: csr,
      externalRef: order.id,
      dnsNames: order.identifiers.filter((i) => i.type === 'dns').map((i) => i.value),
      ipAddresses: order.identifiers.filter((i) => i.type === 'ip').map((i) => i.value),
      // A client that gave up waiting for an approver orders again: the same queue entry, and the
      // decision answers its next run.
      approvalKey: {
        account: account.id,
        identifiers: order.identifiers.map((i) => `${i.type}:${i.value}`),
      },
    });
  } catch (err) {
    const failure = toProblem(err);
    await deps.store.orders.update(
      { ...processing, status: 'invalid', error: failure.toJSON() },
      'processing',
    );
    throw failure;
  }
  let next: Order;
  if (result.outcome === 'issued') {
    next = {
      ...processing,
      status: 'valid',
      certificateSerial: result.certificate.serialNumber,
    };
  } else if (result.outcome === 'rejected') {
    // A policy refusal (key or names), or an approver's rejection of the same account and identifiers
    // within the decision window, answers finalize as the error it is (certbot and lego print a failed
    // POST's problem detail as it is), and the order is left invalid with it.
    const refusal = new AcmeProblem(
      toProblem(result.error).type,
      `The certificate request was refused: ${result.error.message}`,
    );
    await deps.store.orders.update(
      { ...processing, status: 'invalid', error: refusal.toJSON(), updatedAt: deps.core.clock.now() },
      'processing',
    );
    throw refusal;
  } else {
    if (result.outcome === 'pending' && result.supersededRef)
      await supersede(deps, name, result.supersededRef, processing);
    return orderResponse(deps, name, processing);
  }
  next.updatedAt = deps.core.clock.now();
  await deps.store.orders.update(next, 'processing');
  return orderResponse(deps, name, next);
};
