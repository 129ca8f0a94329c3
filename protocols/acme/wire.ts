/**
 * RFC 8555 §7.1 resource objects as they go on the wire, built from the stored domain objects with
 * the linker. Domain types (store.ts) never reach a response unconverted.
 */
import type { Linker } from './links.js';
import type { ProblemDocument } from './problems.js';
import type { Account, Authorization, Challenge, Identifier, Order } from './store.js';

/** §7.1.1 */
export interface WireDirectory {
  newNonce: string;
  newAccount: string;
  newOrder: string;
  newAuthz: string;
  revokeCert: string;
  keyChange: string;
  renewalInfo: string;
  meta: {
    termsOfService?: string;
    website?: string;
    caaIdentities?: string[];
    externalAccountRequired: boolean;
    /** draft-ietf-acme-profiles: profile name → description. */
    profiles: Record<string, string>;
  };
}

/** §7.1.2 */
export interface WireAccount {
  status: Account['status'];
  contact: string[];
  termsOfServiceAgreed?: boolean;
  orders: string;
  createdAt: string;
}

/** §7.1.3 */
export interface WireOrder {
  status: Order['status'];
  expires: string;
  identifiers: Identifier[];
  notBefore?: string;
  notAfter?: string;
  error?: ProblemDocument;
  authorizations: string[];
  finalize: string;
  certificate?: string;
  replaces?: string;
  /** draft-ietf-acme-profiles: the profile the certificate is issued under. */
  profile: string;
}

/** §7.1.5 */
export interface WireChallenge {
  type: Challenge['type'];
  url: string;
  status: Challenge['status'];
  token: string;
  validated?: string;
  error?: ProblemDocument;
}

/** §7.1.4 */
export interface WireAuthorization {
  identifier: Identifier;
  status: Authorization['status'];
  expires: string;
  challenges: WireChallenge[];
  wildcard?: boolean;
}

export function wireAccount(linker: Linker, profile: string, account: Account): WireAccount {
  return {
    status: account.status,
    contact: account.contact,
    termsOfServiceAgreed: account.termsOfServiceAgreed,
    orders: linker.orders(profile, account.id),
    createdAt: account.createdAt.toISOString(),
  };
}

export function wireOrder(linker: Linker, profile: string, order: Order): WireOrder {
  return {
    status: order.status,
    expires: order.expiresAt.toISOString(),
    identifiers: order.identifiers,
    ...(order.notBefore ? { notBefore: order.notBefore.toISOString() } : {}),
    ...(order.notAfter ? { notAfter: order.notAfter.toISOString() } : {}),
    ...(order.error ? { error: order.error } : {}),
    authorizations: order.authorizationIds.map((id) => linker.authz(profile, id)),
    finalize: linker.finalize(profile, order.id),
    ...(order.status === 'valid' && order.certificateSerial
      ? { certificate: linker.certificate(profile, order.id) }
      : {}),
    ...(order.replaces ? { replaces: order.replaces } : {}),
    profile,
  };
}

export function wireChallenge(
  linker: Linker,
  profile: string,
  authz: Authorization,
  challenge: Challenge,
): WireChallenge {
  return {
    type: challenge.type,
    url: linker.challenge(profile, authz.id, challenge.type),
    status: challenge.status,
    token: challenge.token,
    ...(challenge.validated ? { validated: challenge.validated.toISOString() } : {}),
    ...(challenge.error ? { error: challenge.error } : {}),
  };
}

export function wireAuthorization(linker: Linker, profile: string, authz: Authorization): WireAuthorization {
  // §7.1.4: once valid, only the challenge that succeeded is listed.
  const challenges =
    authz.status === 'valid' ? authz.challenges.filter((c) => c.status === 'valid') : authz.challenges;
  return {
    identifier: authz.identifier,
    status: authz.status,
    expires: authz.expiresAt.toISOString(),
    challenges: challenges.map((c) => wireChallenge(linker, profile, authz, c)),
    ...(authz.wildcard ? { wildcard: true } : {}),
  };
}
