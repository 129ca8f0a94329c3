import { createHash } from 'node:crypto';
import type { AuditEvent } from './event.js';

/** The hash before the first event. */
export const genesisHash = '0'.repeat(64);

/**
 * Canonical JSON: object keys sorted at every depth, so that the hash does not depend on the order in
 * which a store or a driver returns JSON fields.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashEvent(event: Omit<AuditEvent, 'hash'>): string {
  const { seq, at, actor, action, targetType, targetId, data, prevHash } = event;
  const body = canonicalJson({
    seq,
    at: at.toISOString(),
    actor,
    action,
    targetType,
    targetId,
    data,
    prevHash,
  });
  return createHash('sha256').update(body).digest('hex');
}

export type ChainVerdict =
  | { ok: true; events: number; lastHash: string }
  | { ok: false; events: number; brokenAt: number; problem: string };

/**
 * Walks events in seq order. The first event whose prevHash is not its predecessor's hash, whose own
 * hash does not match its content, or whose seq skips, is reported: everything before it is intact.
 */
export function verifyChain(
  events: Iterable<AuditEvent>,
  start: { seq: number; hash: string } = { seq: 0, hash: genesisHash },
): ChainVerdict {
  let previous = start;
  let count = 0;
  for (const event of events) {
    count++;
    if (event.seq !== previous.seq + 1) {
      return {
        ok: false,
        events: count,
        brokenAt: event.seq,
        problem: `seq ${event.seq} follows ${previous.seq}`,
      };
    }
    if (event.prevHash !== previous.hash) {
      return {
        ok: false,
        events: count,
        brokenAt: event.seq,
        problem: 'prevHash does not match the previous event',
      };
    }
    if (hashEvent(event) !== event.hash) {
      return {
        ok: false,
        events: count,
        brokenAt: event.seq,
        problem: 'hash does not match the event content',
      };
    }
    previous = event;
  }
  return { ok: true, events: count, lastHash: previous.hash };
}
