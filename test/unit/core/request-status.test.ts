import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  canTransition,
  isFinal,
  type RequestStatus,
} from '../../../src/core/enrollment/request.js';

const all: RequestStatus[] = ['pending', 'approved', 'rejected', 'issued', 'failed', 'expired'];
const allowed = new Set([
  'pending→approved',
  'pending→rejected',
  'pending→expired',
  'pending→failed',
  'approved→issued',
  'approved→failed',
]);

describe('request status machine', () => {
  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const ok = allowed.has(`${from}→${to}`);
    expect(canTransition(from, to)).toBe(ok);
    if (ok) expect(() => assertTransition(from, to)).not.toThrow();
    else expect(() => assertTransition(from, to)).toThrow(expect.objectContaining({ code: 'invalid_state' }));
  });

  it('ends in issued, rejected, failed and expired', () => {
    expect(all.filter(isFinal)).toEqual(['rejected', 'issued', 'failed', 'expired']);
  });
});
