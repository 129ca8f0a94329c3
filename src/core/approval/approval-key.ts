/**
 * The approval key: what makes two submissions the same question to the approvers. Real ACME clients
 * give up on an order after 30–90 s and their next run opens a new order with a new key pair for the
 * same names; an approver answers in hours. Keyed by protocol, profile, account and identifier set,
 * the retries land on one queue entry and one decision answers them all.
 */
import { createHash } from 'node:crypto';
import { defaultDecisionWindowHours, type ApprovalPolicy, type Protocol } from '../profiles/profile.js';

/** What a face says a request is for. The face supplies the parts; this file owns the rule. */
export interface ApprovalKeyParts {
  /** Who asks, stable across the requester's retries (ACME: the account id). */
  account: string;
  /** The identifiers asked for, as the face types them (ACME: "dns:host.example", "ip:192.0.2.1"). */
  identifiers: readonly string[];
}

/**
 * A hex SHA-256 over the canonical parts: identifiers trimmed, lower-cased, deduplicated and sorted,
 * so that the same set in another order or case is the same key. Fixed length, so it indexes well.
 */
export function approvalKeyOf(protocol: Protocol, profileId: string, parts: ApprovalKeyParts): string {
  const identifiers = [...new Set(parts.identifiers.map((i) => i.trim().toLowerCase()))].sort();
  return createHash('sha256')
    .update(JSON.stringify([protocol, profileId, parts.account, identifiers]))
    .digest('hex');
}

/** The profile's decision window in milliseconds; 0 when decisions cover nothing but their request. */
export function decisionWindowMs(policy: ApprovalPolicy): number {
  return (policy.decisionWindowHours ?? defaultDecisionWindowHours) * 3_600_000;
}
