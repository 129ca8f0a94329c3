/**
 * The local CA's configuration and its validation, done once at open() so that a misconfiguration
 * fails at start-up rather than at the first issuance.
 */
import { caKeyAlgorithms, type CaKeyAlgorithm } from './keys.js';
import type { LocalCaStore } from './store.js';

/** Configuration of the local CA. */
export interface LocalCaOptions {
  store: LocalCaStore;
  /** Encrypts the CA keys in the store; every instance sharing the store needs the same one. */
  passphrase: string;
  /** Key algorithm for a CA created on first start; an existing CA keeps its keys. */
  keyAlgorithm: CaKeyAlgorithm;
  /** Prefix of the CA names ("<commonName> Root CA"); 'Enrollment Gateway' by default. */
  commonName?: string;
  organization?: string;
  rootValidityDays: number;
  issuingValidityDays: number;
  /** Written as CRLDistributionPoints in issued certificates; omitted when empty. */
  crlUrl: string;
  /** Written as AuthorityInfoAccess caIssuers in issued certificates; omitted when empty. */
  caIssuersUrl: string;
  crlValidityHours: number;
  now?: () => Date;
}

/** Throws a descriptive Error for options the CA cannot work with. */
export function validateLocalCaOptions(options: LocalCaOptions): void {
  if (!options.passphrase) {
    throw new Error('the CA passphrase must not be empty');
  }
  if (!caKeyAlgorithms.includes(options.keyAlgorithm)) {
    throw new Error(`unsupported CA key algorithm ${JSON.stringify(options.keyAlgorithm)}`);
  }
  for (const key of ['rootValidityDays', 'issuingValidityDays', 'crlValidityHours'] as const) {
    if (!(Number.isFinite(options[key]) && options[key] > 0)) {
      throw new Error(`${key} must be a positive number`);
    }
  }
  if (options.issuingValidityDays > options.rootValidityDays) {
    throw new Error('issuingValidityDays must not exceed rootValidityDays');
  }
  for (const key of ['crlUrl', 'caIssuersUrl'] as const) {
    // URIs are IA5String in GeneralName (RFC 5280 §4.2.1.6).
    if (!/^[\x21-\x7e]*$/.test(options[key])) {
      throw new Error(`${key} must be an ASCII URI`);
    }
  }
}
