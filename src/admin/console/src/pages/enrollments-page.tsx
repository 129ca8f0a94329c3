/**
 * Enrollments (DigiCert TLM "Manage enrollments"): every request across ACME, SCEP, P10 and P12 with
 * saved views, filters, sort, paging, row and bulk actions, refreshed every few seconds.
 */
import { useMemo, useState } from 'preact/hooks';
import { listRequests, type RequestPage } from '../api/requests.js';
import type { RequestItem } from '../api/types.js';
import { ErrorMessage, Loading } from '../components/error-message.js';
import { OutcomeMessage } from '../components/outcome-message.js';
import { Time } from '../components/time.js';
import { useProfiles } from '../hooks/use-profiles.js';
import { useResource } from '../hooks/use-resource.js';
import type { Viewer } from '../enrollments/available-actions.js';
import { BulkBar, BulkResults, type ItemResult } from '../enrollments/bulk-bar.js';
import { FilterBar } from '../enrollments/filter-bar.js';
import { useRequestActions } from '../enrollments/request-actions.js';
import { RequestsTable } from '../enrollments/requests-table.js';
import {
  builtInViews,
  loadUserViews,
  saveUserViews,
  startOfToday,
  toQuery,
  type RequestFilter,
  type SavedView,
} from '../enrollments/saved-views.js';
import { ViewPicker } from '../enrollments/view-picker.js';

export const pollMs = 5000;
const pageSizes = [25, 50, 100] as const;

async function loadPage(
  filter: RequestFilter,
  limit: number,
  cursor: string | undefined,
): Promise<RequestPage> {
  const page = await listRequests(toQuery(filter, limit, cursor));
  if (!filter.changedToday) return page;
  // Sorted by last change, newest first: the first row from before today ends the view.
  const since = startOfToday().getTime();
  const items = page.items.filter((r) => Date.parse(r.updatedAt) >= since);
  return { items, next: items.length < page.items.length ? null : page.next };
}

export function EnrollmentsPage({ viewer }: { viewer: Viewer }) {
  const [userViews, setUserViews] = useState(() => loadUserViews(localStorage));
  const views = useMemo(() => [...builtInViews, ...userViews], [userViews]);
  const [view, setView] = useState<SavedView>(builtInViews[0] as SavedView);
  const [filter, setFilterState] = useState<RequestFilter>(view.filter);
  const [limit, setLimit] = useState<number>(25);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<Map<string, RequestItem>>(new Map());
  const [bulkResults, setBulkResults] = useState<ItemResult[] | null>(null);

  const cursor = cursors[cursors.length - 1];
  const page = useResource(() => loadPage(filter, limit, cursor), [filter, limit, cursor], { pollMs });
  const profiles = useProfiles();
  const actions = useRequestActions(() => void page.reload());

  const setFilter = (next: RequestFilter) => {
    setFilterState(next);
    setCursors([undefined]);
  };
  const pickView = (next: SavedView) => {
    setView(next);
    setFilter(next.filter);
    setSelected(new Map());
  };
  const rows = page.data?.items ?? [];

  const select = (ids: string[], on: boolean) => {
    const next = new Map(selected);
    for (const id of ids) {
      const row = rows.find((r) => r.id === id);
      if (on && row) next.set(id, row);
      else next.delete(id);
    }
    setSelected(next);
  };

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Enrollments</h1>
        <p class="refresh" aria-live="off">
          {page.loadedAt ? (
            <>
              Updated <Time iso={page.loadedAt.toISOString()} />, refreshed every {pollMs / 1000} s
            </>
          ) : null}
        </p>
      </div>
      <ViewPicker
        views={views}
        current={view}
        filter={filter}
        onPick={pickView}
        onSave={(name) => {
          const saved: SavedView = { id: `user-${Date.now().toString(36)}`, name, filter, builtIn: false };
          const next = [...userViews, saved];
          saveUserViews(next, localStorage);
          setUserViews(next);
          setView(saved);
        }}
        onDelete={(gone) => {
          const next = userViews.filter((v) => v.id !== gone.id);
          saveUserViews(next, localStorage);
          setUserViews(next);
          pickView(builtInViews[0] as SavedView);
        }}
      />
      <FilterBar filter={filter} profiles={profiles.data} onChange={setFilter} />
      {selected.size > 0 ? (
        <BulkBar
          selected={[...selected.values()]}
          viewer={viewer}
          onClear={() => setSelected(new Map())}
          onDone={(results) => {
            setBulkResults(results);
            const next = new Map(selected);
            for (const r of results) if (r.ok) next.delete(r.id);
            setSelected(next);
            void page.reload();
          }}
        />
      ) : null}
      {bulkResults ? <BulkResults results={bulkResults} onDismiss={() => setBulkResults(null)} /> : null}
      <OutcomeMessage outcome={actions.outcome} onDismiss={actions.clearOutcome} />
      {page.error ? (
        <ErrorMessage error={page.error}>
          {page.data ? (
            <p>Showing the requests as they were last loaded; retrying every {pollMs / 1000} s.</p>
          ) : null}
          <button type="button" onClick={() => void page.reload()}>
            Retry now
          </button>
        </ErrorMessage>
      ) : null}
      {profiles.error && !page.error ? <ErrorMessage error={profiles.error} /> : null}
      {page.loading && !page.data ? <Loading what="requests" /> : null}
      {page.data ? (
        rows.length === 0 ? (
          <p class="empty">No requests match this view.</p>
        ) : (
          <RequestsTable
            rows={rows}
            profiles={profiles.data}
            viewer={viewer}
            selected={new Set(selected.keys())}
            onSelect={select}
            sort={filter}
            onSort={(field) =>
              setFilter({
                ...filter,
                sort: field,
                order: filter.sort === field && filter.order === 'desc' ? 'asc' : 'desc',
              })
            }
            onAction={actions.start}
          />
        )
      ) : null}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          disabled={!page.data?.next}
          onClick={() => page.data?.next && setCursors([...cursors, page.data.next])}
        >
          Next page
        </button>
        <label for="page-size">Rows per page</label>
        <select
          id="page-size"
          value={String(limit)}
          onChange={(e) => {
            setLimit(Number(e.currentTarget.value));
            setCursors([undefined]);
          }}
        >
          {pageSizes.map((n) => (
            <option key={n} value={String(n)}>
              {n}
            </option>
          ))}
        </select>
      </nav>
      {actions.dialog}
    </>
  );
}
