/** Row ↔ domain conversion for the ACME tables: queried fields are columns, the rest one JSON document. */
import type { Account, Authorization, Identifier, Order } from '../../../protocols/acme/store.js';
import { fromJson, toDate, toDateOrNull, toJson, type DbTimestamp } from '../repositories/shared.js';

export interface AccountRow {
  id: string;
  profile_id: string;
  thumbprint: string;
  status: string;
  data: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

export interface OrderRow {
  id: string;
  account_id: string;
  status: string;
  replaces: string | null;
  expires_at: DbTimestamp;
  /** The issued certificate, in the certificates table: the order keeps no copy of it. */
  certificate_serial: string | null;
  data: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

export interface AuthorizationRow {
  id: string;
  account_id: string;
  identifier: string;
  status: string;
  expires_at: DbTimestamp;
  data: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

export function identifierKey(identifier: Identifier, wildcard: boolean): string {
  return `${identifier.type}:${wildcard ? '*.' : ''}${identifier.value}`;
}

export function accountToRow(a: Account): AccountRow {
  const { id, profileId, thumbprint, status, createdAt, updatedAt, ...rest } = a;
  return {
    id,
    profile_id: profileId,
    thumbprint,
    status,
    data: toJson(rest),
    created_at: createdAt,
    updated_at: updatedAt,
  };
}

export function accountFromRow(r: AccountRow): Account {
  return {
    ...fromJson<Omit<Account, 'id' | 'profileId' | 'thumbprint' | 'status' | 'createdAt' | 'updatedAt'>>(
      r.data,
    ),
    id: r.id,
    profileId: r.profile_id,
    thumbprint: r.thumbprint,
    status: r.status as Account['status'],
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}

interface OrderData extends Omit<
  Order,
  | 'id'
  | 'accountId'
  | 'status'
  | 'replaces'
  | 'createdAt'
  | 'updatedAt'
  | 'notBefore'
  | 'notAfter'
  | 'expiresAt'
  | 'certificateSerial'
> {
  notBefore: string | null;
  notAfter: string | null;
}

export function orderToRow(o: Order): OrderRow {
  const {
    id,
    accountId,
    status,
    replaces,
    createdAt,
    updatedAt,
    notBefore,
    notAfter,
    expiresAt,
    certificateSerial,
    ...rest
  } = o;
  const data: OrderData = {
    ...rest,
    notBefore: notBefore?.toISOString() ?? null,
    notAfter: notAfter?.toISOString() ?? null,
  };
  return {
    id,
    account_id: accountId,
    status,
    replaces,
    expires_at: expiresAt,
    certificate_serial: certificateSerial,
    data: toJson(data),
    created_at: createdAt,
    updated_at: updatedAt,
  };
}

export function orderFromRow(r: OrderRow): Order {
  const data = fromJson<OrderData>(r.data);
  return {
    ...data,
    id: r.id,
    accountId: r.account_id,
    status: r.status as Order['status'],
    replaces: r.replaces,
    notBefore: toDateOrNull(data.notBefore),
    notAfter: toDateOrNull(data.notAfter),
    expiresAt: toDate(r.expires_at),
    certificateSerial: r.certificate_serial,
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}

type StoredChallenge = Omit<Authorization['challenges'][number], 'validated'> & { validated: string | null };
interface AuthzData {
  profileId: string;
  identifier: Identifier;
  wildcard: boolean;
  challenges: StoredChallenge[];
}

export function authzToRow(a: Authorization): AuthorizationRow {
  const data: AuthzData = {
    profileId: a.profileId,
    identifier: a.identifier,
    wildcard: a.wildcard,
    challenges: a.challenges.map((c) => ({ ...c, validated: c.validated?.toISOString() ?? null })),
  };
  return {
    id: a.id,
    account_id: a.accountId,
    identifier: identifierKey(a.identifier, a.wildcard),
    status: a.status,
    expires_at: a.expiresAt,
    data: toJson(data),
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

export function authzFromRow(r: AuthorizationRow): Authorization {
  const data = fromJson<AuthzData>(r.data);
  return {
    id: r.id,
    accountId: r.account_id,
    profileId: data.profileId,
    identifier: data.identifier,
    wildcard: data.wildcard,
    status: r.status as Authorization['status'],
    expiresAt: toDate(r.expires_at),
    challenges: data.challenges.map((c) => ({ ...c, validated: toDateOrNull(c.validated) })),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}
