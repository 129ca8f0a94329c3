import type { Clock, Repositories, Store } from '../ports.js';
import { genesisHash, hashEvent, verifyChain, type ChainVerdict } from './chain.js';
import type { AuditEvent, NewAuditEvent } from './event.js';
import { enqueueNotification } from '../notifications/enqueue.js';

/**
 * Appends inside the caller's transaction, so that an event exists exactly when the change it
 * describes does. The tail is read under the store's append lock: one chain across all instances.
 */
export async function appendAudit(tx: Repositories, clock: Clock, event: NewAuditEvent): Promise<AuditEvent> {
  const tail = await tx.audit.tailForAppend();
  const unsigned = {
    seq: (tail?.seq ?? 0) + 1,
    at: clock.now(),
    actor: event.actor,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    data: event.data ?? {},
    prevHash: tail?.hash ?? genesisHash,
  };
  const full: AuditEvent = { ...unsigned, hash: hashEvent(unsigned) };
  await tx.audit.insert(full);
  // The outbox row shares this transaction: a notification exists exactly when its event does.
  await enqueueNotification(tx, full);
  return full;
}

/** Reads the whole log in pages and verifies the chain. */
export async function verifyStoredChain(store: Store, pageSize = 1000): Promise<ChainVerdict> {
  let start = { seq: 0, hash: genesisHash };
  let total = 0;
  for (;;) {
    const page = await store.audit.list({ afterSeq: start.seq, limit: pageSize });
    const verdict = verifyChain(page, start);
    if (!verdict.ok) return { ...verdict, events: total + verdict.events };
    total += verdict.events;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return { ok: true, events: total, lastHash: verdict.lastHash };
    start = last;
  }
}
