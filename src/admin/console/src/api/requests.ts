/** The request calls the console makes, each typed by the generated schema. */
import { api, call } from './client.js';
import type { ListRequestsQuery, Profile, RequestDetails, RequestItem, BulkResult } from './types.js';

export interface RequestPage {
  items: RequestItem[];
  next: string | null;
}

export const listRequests = (query: ListRequestsQuery): Promise<RequestPage> =>
  call(api.GET('/requests', { params: { query } }));

export const getRequest = (id: string): Promise<RequestDetails> =>
  call(api.GET('/requests/{id}', { params: { path: { id } } }));

export const approveRequest = (id: string, comment: string) =>
  call(api.POST('/requests/{id}/approve', { params: { path: { id } }, body: { comment: comment || null } }));

export const rejectRequest = (id: string, reason: string) =>
  call(api.POST('/requests/{id}/reject', { params: { path: { id } }, body: { comment: reason } }));

export const bulkDecide = async (
  decision: 'approve' | 'reject',
  ids: string[],
  comment: string,
): Promise<BulkResult[]> =>
  (await call(api.POST('/requests/bulk-decision', { body: { decision, ids, comment: comment || null } })))
    .results;

export const addNote = (id: string, text: string) =>
  call(api.POST('/requests/{id}/notes', { params: { path: { id } }, body: { text } }));

export const resendEnrollment = (id: string) =>
  call(api.POST('/requests/{id}/resend-enrollment', { params: { path: { id } } }));

export const resendApprovalEmail = (id: string) =>
  call(api.POST('/requests/{id}/resend-approval-notification', { params: { path: { id } } }));

export const changeQueueState = (id: string, state: 'new' | 'in-progress' | 'on-hold') =>
  call(api.POST('/requests/{id}/status', { params: { path: { id } }, body: { state } }));

export const listProfiles = async (): Promise<Profile[]> =>
  (await call(api.GET('/profiles', { params: { query: { limit: 500, sort: 'name', order: 'asc' } } }))).items;

/** A download the browser fetches itself (the session cookie goes along; a GET needs no CSRF token). */
export function certificateUrl(id: string, format: 'pem' | 'der' | 'p7b' | 'chain'): string {
  return `/api/v1/requests/${encodeURIComponent(id)}/certificate?format=${format}`;
}
