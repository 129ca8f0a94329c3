import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import { submit, type SubmitDeps, type SubmitResult } from './submit.js';

/**
 * TLM "Resend enrollment": a P10 request that ended without a certificate (rejected, expired,
 * failed) is submitted again, same CSR, names, profile, asset and requester, as a new request.
 */
export async function resendEnrollment(
  deps: SubmitDeps,
  input: { requestId: string; actor: string },
): Promise<SubmitResult> {
  const old = await deps.store.requests.get(input.requestId);
  if (!old) throw new CoreError('not_found', 'No such enrolment request');
  if (!['rejected', 'expired', 'failed'].includes(old.status)) {
    throw new CoreError(
      'invalid_state',
      `Only a rejected, expired or failed request can be resent (this one is ${old.status})`,
      {
        details: { status: old.status },
      },
    );
  }
  if (old.protocol === 'acme' || old.protocol === 'scep') {
    throw new CoreError('invalid_state', 'ACME and SCEP clients resend their own requests', {
      details: { protocol: old.protocol },
    });
  }
  if (old.protocol !== 'p10') {
    // The key of a P12 request was made here and erased: only a new enrolment makes another.
    throw new CoreError('invalid_state', 'A P12 request is not resent: start a new P12 enrolment', {
      details: { protocol: old.protocol },
    });
  }
  const result = await submit(deps, {
    protocol: old.protocol,
    profile: old.profileId,
    assetId: old.assetId,
    requester: old.requester,
    csr: old.csrPem,
    subject: old.subject,
    dnsNames: old.dnsNames,
    ipAddresses: old.ipAddresses,
  });
  const next = result.outcome === 'dry-run' ? null : result.request;
  await deps.store.transaction(async (tx) => {
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'request.resent',
      targetType: 'request',
      targetId: old.id,
      data: { newRequestId: next?.id ?? null },
    });
  });
  return result;
}
