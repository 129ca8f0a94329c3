/**
 * Approval of new accounts on a profile with `acme.accountApprovalRequired` (as EJBCA's
 * approvalForNewAccountId): the account exists at once but may not order until approved. Called by
 * the CLI (`acme-account approve --id`) and usable by an admin API; audited like every decision.
 */
import { appendAudit } from '../../src/core/audit/audit-log.js';
import type { Core } from '../../src/core/core.js';
import { CoreError } from '../../src/core/errors.js';
import type { Account, AcmeStore } from './store.js';

export async function approveAccount(
  core: Core,
  store: AcmeStore,
  id: string,
  actor: string,
): Promise<Account> {
  const account = await store.accounts.get(id);
  if (!account) throw new CoreError('not_found', `No ACME account ${id}`);
  if (account.approved) return account;
  const next: Account = { ...account, approved: true, updatedAt: core.clock.now() };
  await store.accounts.update(next);
  await core.store.transaction((tx) =>
    appendAudit(tx, core.clock, {
      actor,
      action: 'acme-account.approved',
      targetType: 'acme-account',
      targetId: id,
    }),
  );
  return next;
}
