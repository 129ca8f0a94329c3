import type { AuditSearch, Store } from '../ports.js';
import type { AuditEvent } from './event.js';

/**
 * One event as a JSON line, the format `enrollment-gateway audit verify --file` reads back: every
 * hashed field with `at` as an ISO string, so that a contiguous export re-verifies on its own.
 */
export function auditLine(event: AuditEvent): string {
  return JSON.stringify({
    seq: event.seq,
    at: event.at.toISOString(),
    actor: event.actor,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    data: event.data,
    prevHash: event.prevHash,
    hash: event.hash,
  });
}

/** Every event matching `filter`, in seq order, page by page. */
export async function* exportAudit(
  store: Store,
  filter: Omit<AuditSearch, 'cursor' | 'limit' | 'sort' | 'order'>,
): AsyncGenerator<string> {
  let cursor: string | null = null;
  do {
    const page = await store.search.audit({ ...filter, cursor, limit: 500, order: 'asc' });
    for (const event of page.items) yield `${auditLine(event)}\n`;
    cursor = page.next;
  } while (cursor);
}
