import type { AppendRepositories, Clock, Store } from '../ports.js';
import { genesisHash, hashEvent, verifyChainStream, type ChainVerdict } from './chain.js';
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

/**
 * Every stored event in seq order, read by keyset (`afterSeq`) one page at a time. A store may hand
 * back fewer events than asked for (it caps its pages), so only an empty page ends the walk.
 */
export async function* readChain(store: Pick<Store, 'audit'>, pageSize = 500): AsyncGenerator<AuditEvent> {
  let afterSeq = 0;
  for (;;) {
    const page = await store.audit.list({ afterSeq, limit: pageSize });
    const last = page.at(-1);
    if (!last) return;
    yield* page;
    afterSeq = last.seq;
  }
}

/** Verifies the whole stored chain, holding one page at a time. */
export function verifyStoredChain(store: Pick<Store, 'audit'>, pageSize = 500): Promise<ChainVerdict> {
  return verifyChainStream(readChain(store, pageSize));
}
