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

type Link = Pick<AuditEvent, 'seq' | 'hash'>;

/** Why `event` does not extend the chain that ends at `previous`, or null when it does. */
function brokenLink(previous: Link, event: AuditEvent): string | null {
  if (event.seq !== previous.seq + 1) return `seq ${event.seq} follows ${previous.seq}`;
  if (event.prevHash !== previous.hash) return 'prevHash does not match the previous event';
  if (hashEvent(event) !== event.hash) return 'hash does not match the event content';
  return null;
}

/** The chain walked one event at a time, keeping only the last intact link. */
function chainWalker(start: Link) {
  let previous = start;
  let count = 0;
  return {
    /** The verdict when `event` breaks the chain, else null. */
    step(event: AuditEvent): ChainVerdict | null {
      count++;
      const problem = brokenLink(previous, event);
      if (problem) return { ok: false, events: count, brokenAt: event.seq, problem };
      previous = event;
      return null;
    },
    intact(): ChainVerdict {
      return { ok: true, events: count, lastHash: previous.hash };
    },
  };
}

/**
 * Walks events in seq order. The first event whose prevHash is not its predecessor's hash, whose own
 * hash does not match its content, or whose seq skips, is reported: everything before it is intact.
 * Only the previous event is kept, so a chain of any length verifies in constant memory.
 */
export async function verifyChainStream(
  events: AsyncIterable<AuditEvent>,
  start: Link = { seq: 0, hash: genesisHash },
): Promise<ChainVerdict> {
  const walker = chainWalker(start);
  for await (const event of events) {
    const broken = walker.step(event);
    if (broken) return broken;
  }
  return walker.intact();
}

/** {@link verifyChainStream} over events already in memory. */
export function verifyChain(
  events: Iterable<AuditEvent>,
  start: Link = { seq: 0, hash: genesisHash },
): ChainVerdict {
  const walker = chainWalker(start);
  for (const event of events) {
    const broken = walker.step(event);
    if (broken) return broken;
  }
  return walker.intact();
}
