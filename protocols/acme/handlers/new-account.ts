import { randomUUID } from 'node:crypto';
import { requestApproval } from '../account-approval.js';
import type { AcmeHandler } from '../context.js';
import { link } from '../links.js';
import { problem } from '../problems.js';
import type { Account } from '../store.js';
import { wireAccount } from '../wire.js';
import { parseContact } from './contact.js';
import { verifyExternalAccountBinding, type ExternalAccount } from './eab.js';

interface NewAccountPayload {
  contact?: unknown;
  termsOfServiceAgreed?: unknown;
  onlyReturnExisting?: unknown;
  externalAccountBinding?: unknown;
}

/**
 * §7.3: registers the `jwk` as an account, or answers 200 with the account that key already has
 * (§7.3.1). onlyReturnExisting never creates one.
 */
export const newAccount: AcmeHandler = async (ctx, deps) => {
  const { linker, options, store } = deps;
  const profile = ctx.profile;
  const key = ctx.key;
  if (!key) throw problem.malformed();
  const payload = ctx.payload as NewAccountPayload;
  const existing = await store.accounts.findByThumbprint(profile.id, key.thumbprint);
  if (existing) {
    if (existing.status !== 'valid') throw problem.unauthorized(`The account is ${existing.status}`);
    return {
      status: 200,
      location: linker.account(profile.name, existing.id),
      body: wireAccount(linker, profile.name, existing),
    };
  }
  if (payload.onlyReturnExisting === true) throw problem.accountDoesNotExist();
  if (payload.onlyReturnExisting !== undefined && typeof payload.onlyReturnExisting !== 'boolean') {
    throw problem.malformed('onlyReturnExisting must be a boolean');
  }
  await deps.rateLimiter.takeNewAccount(ctx.remoteIp);
  const contact = parseContact(payload.contact);
  if (payload.termsOfServiceAgreed !== undefined && typeof payload.termsOfServiceAgreed !== 'boolean') {
    throw problem.malformed('termsOfServiceAgreed must be a boolean');
  }
  if (options.termsOfService && payload.termsOfServiceAgreed !== true) {
    throw problem.userActionRequired('You must agree to the terms of service (termsOfServiceAgreed: true)', {
      extra: { instance: options.termsOfService },
      headers: { Link: link(options.termsOfService, 'terms-of-service') },
    });
  }
  const id = randomUUID().replace(/-/g, '');
  let external: ExternalAccount | null = null;
  if (payload.externalAccountBinding !== undefined) {
    external = await verifyExternalAccountBinding(
      ctx,
      deps,
      payload.externalAccountBinding,
      linker.account(profile.name, id),
    );
  } else if (profile.acme.externalAccountRequired) {
    throw problem.externalAccountRequired();
  }
  const now = deps.core.clock.now();
  const account: Account = {
    id,
    profileId: profile.id,
    status: 'valid',
    jwk: key.jwk,
    thumbprint: key.thumbprint,
    contact,
    termsOfServiceAgreed: payload.termsOfServiceAgreed === true,
    eabKeyId: external?.keyId ?? null,
    eabAssetId: external?.assetId ?? null,
    approved: !profile.acme.accountApprovalRequired,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await store.accounts.create(account);
  } catch (err) {
    // Two racing registrations of one key: the loser answers with the winner's account.
    const winner = await store.accounts.findByThumbprint(profile.id, key.thumbprint);
    if (!winner) throw err;
    return {
      status: 200,
      location: linker.account(profile.name, winner.id),
      body: wireAccount(linker, profile.name, winner),
    };
  }
  if (!account.approved) {
    const registration = await requestApproval(deps.core, profile, account, linker.account(profile.name, id));
    deps.logger.info(
      { account: linker.account(profile.name, id), profile: profile.name, request: registration.id },
      `ACME account awaits approval: request ${registration.id} in the approval queue`,
    );
  }
  return {
    status: 201,
    location: linker.account(profile.name, id),
    body: wireAccount(linker, profile.name, account),
  };
};
