import type { Clock, Store } from '../ports.js';
import { purgeInBatches, type PurgeBatches } from '../purge-batches.js';

const DAY_MS = 86_400_000;

/**
 * Deletes what the outbox no longer needs once `retentionDays` have passed: deliveries that were
 * sent or gave up (dead), then the events left without deliveries. Pending deliveries and their
 * events stay whatever their age. Returns how many rows of each went.
 */
export async function purgeOutbox(
  deps: { store: Store; clock: Clock },
  retentionDays: number,
  batches: PurgeBatches = {},
): Promise<{ deliveries: number; events: number }> {
  const before = new Date(deps.clock.now().getTime() - retentionDays * DAY_MS);
  const { outbox } = deps.store;
  return {
    deliveries: await purgeInBatches((limit) => outbox.purgeFinishedDeliveries(before, limit), batches),
    events: await purgeInBatches((limit) => outbox.purgeDeliveredEvents(before, limit), batches),
  };
}
