import type { KeyPolicy } from '../profiles/profile.js';
import type { PolicyFinding } from './finding.js';

export interface PublicKeyFacts {
  algorithm: 'rsa' | 'ec' | 'ed25519' | 'other';
  rsaBits?: number;
  curve?: string;
}

export function checkKeyPolicy(policy: KeyPolicy, key: PublicKeyFacts): PolicyFinding[] {
  if (key.algorithm === 'other' || !policy.algorithms.includes(key.algorithm)) {
    return [
      {
        policy: 'key',
        rule: 'key_algorithm',
        subject: key.algorithm,
        message: `${key.algorithm} keys are not allowed`,
      },
    ];
  }
  if (key.algorithm === 'rsa' && (key.rsaBits ?? 0) < policy.minRsaBits) {
    return [
      {
        policy: 'key',
        rule: 'rsa_key_size',
        subject: `${key.rsaBits ?? 0}`,
        message: `RSA keys must have at least ${policy.minRsaBits} bits`,
      },
    ];
  }
  if (key.algorithm === 'ec' && !policy.ecCurves.includes(key.curve as KeyPolicy['ecCurves'][number])) {
    return [
      {
        policy: 'key',
        rule: 'ec_curve',
        subject: key.curve ?? 'unknown',
        message: `EC keys must use ${policy.ecCurves.join(' or ')}`,
      },
    ];
  }
  return [];
}
