import type { Clock, Store } from '../ports.js';
import type { CertificateAuthority } from '../../../ca/types.js';
import { isCoreError } from '../errors.js';
import { issueApproved } from './issue.js';
import { resolveProfile } from './submit.js';

/** How long an approved request may wait for its issuance before a sweeper takes it over. */
export const staleApprovalMs = 5 * 60_000;

/**
 * Issues requests left `approved` by a process that died between the approval and the issuance.
 * Each is issued through the same path as a live approval; the compare-and-set approved → issued
 * keeps a request from being recorded twice when two instances sweep at once.
 */
export async function resumeApproved(
  deps: { store: Store; ca: CertificateAuthority; clock: Clock },
  batch = 50,
): Promise<number> {
  const cutoff = deps.clock.now().getTime() - staleApprovalMs;
  const { items } = await deps.store.requests.list({ status: 'approved', kind: 'certificate', limit: batch });
  let issued = 0;
  for (const request of items.filter((r) => r.updatedAt.getTime() <= cutoff)) {
    try {
      await issueApproved(deps, request, await resolveProfile(deps.store, request.profileId));
      issued++;
    } catch (err) {
      // Another instance got there first, or the CA failed and the request is now `failed`.
      if (!isCoreError(err, 'conflict') && !isCoreError(err, 'ca_failure')) throw err;
    }
  }
  return issued;
}
