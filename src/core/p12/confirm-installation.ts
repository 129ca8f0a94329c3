import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';

/** Smart ID "Confirm certificate installation": recorded once, after the download. */
export async function confirmInstallation(
  deps: { store: Store; clock: Clock },
  input: { requestId: string; actor: string },
): Promise<{ installedAt: Date }> {
  return deps.store.transaction(async (tx) => {
    const delivery = await tx.p12Deliveries.get(input.requestId);
    if (!delivery) throw new CoreError('not_found', 'No such P12 enrolment request');
    if (!delivery.downloadedAt)
      throw new CoreError('invalid_state', 'Download the PKCS#12 before confirming its installation');
    const at = deps.clock.now();
    if (!(await tx.p12Deliveries.markInstalled(input.requestId, at, input.actor))) {
      throw new CoreError('invalid_state', 'The installation was already confirmed');
    }
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'request.installation-confirmed',
      targetType: 'request',
      targetId: input.requestId,
    });
    return { installedAt: at };
  });
}
