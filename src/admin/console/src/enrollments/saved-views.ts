/**
 * Saved views of the enrollments table: the built-in ones (TLM's Views dropdown) and the user's own,
 * kept in this browser's localStorage.
 */
import type { ListRequestsQuery, Protocol, RequestStatus } from '../api/types.js';

export interface RequestFilter {
  statuses: RequestStatus[];
  protocol: Protocol | '';
  profileId: string;
  text: string;
  /** "me": pending requests the signed-in user may still decide. */
  waitingForMe: boolean;
  sort: 'createdAt' | 'updatedAt';
  order: 'asc' | 'desc';
  /** Only rows whose last change was today (local time), e.g. issued today. */
  changedToday: boolean;
}

export interface SavedView {
  id: string;
  name: string;
  filter: RequestFilter;
  builtIn: boolean;
}

export const emptyFilter: RequestFilter = {
  statuses: [],
  protocol: '',
  profileId: '',
  text: '',
  waitingForMe: false,
  sort: 'createdAt',
  order: 'desc',
  changedToday: false,
};

export const builtInViews: readonly SavedView[] = [
  { id: 'all', name: 'All enrollments', builtIn: true, filter: emptyFilter },
  {
    id: 'waiting-for-me',
    name: 'Waiting for me',
    builtIn: true,
    filter: { ...emptyFilter, statuses: ['pending'], waitingForMe: true, order: 'asc' },
  },
  { id: 'pending', name: 'Pending', builtIn: true, filter: { ...emptyFilter, statuses: ['pending'] } },
  {
    id: 'issued-today',
    name: 'Issued today',
    builtIn: true,
    // An issued request changes no more, so its last change is its issuance.
    filter: { ...emptyFilter, statuses: ['issued'], sort: 'updatedAt', changedToday: true },
  },
  {
    id: 'rejected',
    name: 'Rejected',
    builtIn: true,
    filter: { ...emptyFilter, statuses: ['rejected'], sort: 'updatedAt' },
  },
];

const storageKey = 'egw.console.views';

function isFilter(value: unknown): value is RequestFilter {
  const f = value as RequestFilter;
  return typeof f === 'object' && f !== null && Array.isArray(f.statuses) && typeof f.text === 'string';
}

/** The part of localStorage the views use (kept to this so the module also runs outside a browser). */
export interface ViewStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function loadUserViews(storage: Pick<ViewStorage, 'getItem'>): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(storageKey) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter(
        (v): v is SavedView =>
          typeof v?.id === 'string' && typeof v?.name === 'string' && isFilter(v?.filter),
      )
      .map((v) => ({ ...v, filter: { ...emptyFilter, ...v.filter }, builtIn: false }));
  } catch {
    return [];
  }
}

export function saveUserViews(views: SavedView[], storage: Pick<ViewStorage, 'setItem'>): void {
  storage.setItem(storageKey, JSON.stringify(views.filter((v) => !v.builtIn)));
}

/** The API query for a filter; changedToday is applied to the rows (the API filters creation time only). */
export function toQuery(filter: RequestFilter, limit: number, cursor: string | undefined): ListRequestsQuery {
  const query: ListRequestsQuery = { limit, sort: filter.sort, order: filter.order };
  if (filter.statuses.length > 0) query.status = filter.statuses.join(',');
  if (filter.protocol) query.protocol = filter.protocol;
  if (filter.profileId) query.profileId = filter.profileId;
  if (filter.text.trim()) query.q = filter.text.trim();
  if (filter.waitingForMe) query.waitingFor = 'me';
  if (cursor) query.cursor = cursor;
  return query;
}

export function startOfToday(now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

export function sameFilter(a: RequestFilter, b: RequestFilter): boolean {
  return JSON.stringify({ ...emptyFilter, ...a }) === JSON.stringify({ ...emptyFilter, ...b });
}
