import { describe, expect, it } from 'vitest';
import { approvalKeyOf, decisionWindowMs } from '../../../src/core/approval/approval-key.js';

describe('the approval key', () => {
  const key = (account: string, identifiers: string[], profileId = 'p1') =>
    approvalKeyOf('acme', profileId, { account, identifiers });

  it('When the same identifiers come in another order, case or with repeats, Then the key is the same', () => {
    expect(key('a1', ['dns:www.example.com', 'dns:Example.com'])).toBe(
      key('a1', ['dns:example.com', 'dns:www.example.com', 'dns:EXAMPLE.com ']),
    );
  });

  it('When the account, the identifier set, the profile or the protocol differ, Then the key differs', () => {
    const base = key('a1', ['dns:example.com']);
    expect(key('a2', ['dns:example.com'])).not.toBe(base);
    expect(key('a1', ['dns:example.com', 'dns:www.example.com'])).not.toBe(base);
    expect(key('a1', ['ip:192.0.2.1'])).not.toBe(key('a1', ['dns:192.0.2.1']));
    expect(key('a1', ['dns:example.com'], 'p2')).not.toBe(base);
    expect(approvalKeyOf('scep', 'p1', { account: 'a1', identifiers: ['dns:example.com'] })).not.toBe(base);
  });

  it('When a profile predates the setting, Then the window is 24 hours; 0 turns it off', () => {
    const policy = { required: true, approvers: 1, pendingTtlHours: 24 };
    expect(decisionWindowMs(policy)).toBe(24 * 3_600_000);
    expect(decisionWindowMs({ ...policy, decisionWindowHours: 0 })).toBe(0);
  });
});
