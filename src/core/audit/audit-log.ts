import type { AppendRepositories, Clock, Store } from '../ports.js';
import { genesisHash, hashEvent, verifyChain, type ChainVerdict } from './chain.js';
import type { AuditEvent, NewAuditEvent } from './event.js';
import { enqueueNotification } from '../notifications/enqueue.js';

/**
 * Appends inside the caller's transaction, so that an event exists exactly when the change it
 * describes does. The tail is read under the store's append lock: one chain across all instances.
 */
export async function appendAudit(
  tx: Pick<AppendRepositories, 'audit' | 'outbox'>,
  clock: Clock,
  event: NewAuditEvent,
): Promise<AuditEvent> {
  const [full] = await appendAuditEvents(tx, clock, [event]);
  return full as AuditEvent;
}

/**
 * Appends several events of one change, in order, chained from a single tail read: one append lock
 * and one tail query for the lot instead of one per event. Same guarantees as {@link appendAudit}.
 */
export async function appendAuditEvents(
  tx: Pick<AppendRepositories, 'audit' | 'outbox'>,
  clock: Clock,
  events: readonly NewAuditEvent[],
): Promise<AuditEvent[]> {
  if (events.length === 0) return [];
  const tail = await tx.audit.tailForAppend();
  let seq = tail?.seq ?? 0;
  let prevHash = tail?.hash ?? genesisHash;
  const at = clock.now();
  const appended: AuditEvent[] = [];
  for (const event of events) {
    const unsigned = {
      seq: ++seq,
      at,
      actor: event.actor,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      data: event.data ?? {},
      prevHash,
    };
    const full: AuditEvent = { ...unsigned, hash: hashEvent(unsigned) };
    appended.push(full);
    prevHash = full.hash;
  }
  if (appended.length === 1) await tx.audit.insert(appended[0] as AuditEvent);
  else await tx.audit.insertMany(appended);
  // The outbox rows share this transaction: a notification exists exactly when its event does.
  for (const full of appended) await enqueueNotification(tx, full);
  return appended;
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
