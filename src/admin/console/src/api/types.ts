/** Names for the API's answer shapes, taken from the generated schema (the API has no named schemas). */
import type { operations } from './schema.js';

type Json<
  O extends keyof operations,
  S extends keyof operations[O]['responses'],
> = operations[O]['responses'][S] extends { content: { 'application/json': infer T } } ? T : never;

/** The body of POST and GET /session: the user, the CSRF token and the session limits. */
export type Session = Json<'getSession', 200>;
export type Role = Session['user']['role'];
export type RequestItem = Json<'listRequests', 200>['items'][number];
export type RequestDetails = Json<'getRequest', 200>;
export type RequestStatus = RequestItem['status'];
export type Protocol = RequestItem['protocol'];
export type Profile = Json<'listProfiles', 200>['items'][number];
export type Note = RequestDetails['notes'][number];
export type AuditEvent = RequestDetails['audit'][number];
export type BulkResult = Json<'bulkDecide', 200>['results'][number];
export type ListRequestsQuery = NonNullable<operations['listRequests']['parameters']['query']>;

export const requestStatuses: readonly RequestStatus[] = [
  'pending',
  'approved',
  'rejected',
  'issued',
  'failed',
  'expired',
];
export const protocols: readonly Protocol[] = ['acme', 'scep', 'p10', 'p12'];
export const queueStates = ['new', 'in-progress', 'on-hold'] as const;
