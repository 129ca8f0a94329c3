/**
 * Approval of new accounts on a profile with `acme.accountApprovalRequired` (EJBCA's
 * approvalForNewAccountId; Nexus puts protocol registrations through its approval queue): the
 * account exists at once, and its registration waits in the core's queue as a request of kind
 * `account`, decided by the profile's approvers like any certificate request. Until it is approved
 * the account may not order (§7.3 leaves account policy to the server; the refusal is `unauthorized`).
 */
import { appendAudit } from '../../src/core/audit/audit-log.js';
import type { Core } from '../../src/core/core.js';
import { CoreError, isCoreError } from '../../src/core/errors.js';
import type { EnrollmentRequest } from '../../src/core/enrollment/request.js';
import type { Profile } from '../../src/core/profiles/profile.js';
import type { AcmeContext, AcmeDeps } from './context.js';
import { problem } from './problems.js';
import type { Account, AcmeStore } from './store.js';
import { accountOf } from './handlers/shared.js';

/** The registration's handle in the core: unique among the ACME requests, beside order ids. */
export const registrationRef = (accountId: string) => `account:${accountId}`;

/** Puts a new, unapproved account in the approval queue. */
export function requestApproval(
  core: Core,
  profile: Profile,
  account: Account,
  accountUrl: string,
): Promise<EnrollmentRequest> {
  return core.submitAccountRegistration({
    protocol: 'acme',
    profile,
    requester: accountUrl,
    externalRef: registrationRef(account.id),
    subject: account.contact.length > 0 ? account.contact.join(', ') : accountUrl,
  });
}

function registrationOf(core: Core, accountId: string): Promise<EnrollmentRequest | null> {
  return core.store.requests.findByExternalRef('acme', registrationRef(accountId));
}

/**
 * The signing account, once it may order: approved, or its registration approved since (then the
 * account is marked, so later requests skip the lookup). Otherwise `unauthorized` saying why.
 */
export async function mayOrder(ctx: AcmeContext, deps: AcmeDeps): Promise<Account> {
  const account = accountOf(ctx);
  if (account.approved) return account;
  const registration = await registrationOf(deps.core, account.id);
  switch (registration?.status) {
    case 'approved': {
      const approved = { ...account, approved: true, updatedAt: deps.core.clock.now() };
      await deps.store.accounts.update(approved);
      return approved;
    }
    case 'rejected':
      throw problem.unauthorized(
        `An administrator refused this account: ${registration.reason ?? 'no reason given'}`,
      );
    case 'expired':
      throw problem.unauthorized(
        'No administrator approved this account in time; ask one to approve it with the CLI',
      );
    case undefined:
      // The account was stored but its registration was not (a crash between the two writes).
      if (ctx.profile.acme.accountApprovalRequired) {
        await requestApproval(
          deps.core,
          ctx.profile,
          account,
          deps.linker.account(ctx.profile.name, account.id),
        ).catch((err: unknown) => {
          // Two requests of the account raced to repair it: the other one's registration stands.
          if (!isCoreError(err, 'conflict')) throw err;
        });
      }
      break;
  }
  throw problem.unauthorized(
    'This account awaits approval by an administrator before it may order certificates',
  );
}

/**
 * The CLI's `acme-account approve --id`: an operator's approval, recorded in the account's pending
 * registration as one approver's decision (more may be needed), or set on the account directly when
 * there is no pending registration (it expired or was rejected, and the operator overrides that, or
 * the account predates the queue). Audited either way.
 */
export async function approveAccount(
  core: Core,
  store: AcmeStore,
  id: string,
  actor: string,
): Promise<Account> {
  const account = await store.accounts.get(id);
  if (!account) throw new CoreError('not_found', `No ACME account ${id}`);
  if (account.approved) return account;
  const registration = await registrationOf(core, id);
  if (registration?.status === 'pending') {
    const result = await core.decide({ requestId: registration.id, actor, decision: 'approve' });
    if (result.outcome !== 'approved') return account;
  } else if (registration?.status !== 'approved') {
    await core.store.transaction((tx) =>
      appendAudit(tx, core.clock, {
        actor,
        action: 'acme-account.approved',
        targetType: 'acme-account',
        targetId: id,
      }),
    );
  }
  const next: Account = { ...account, approved: true, updatedAt: core.clock.now() };
  await store.accounts.update(next);
  return next;
}
