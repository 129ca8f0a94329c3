/** The enrollments table: selectable rows, sortable time columns, the actions column rightmost. */
import type { Profile, RequestItem } from '../api/types.js';
import { protocolLabel, requestTitle, StatusBadge } from '../components/labels.js';
import { Time } from '../components/time.js';
import { profileName } from '../hooks/use-profiles.js';
import { Link, requestPath } from '../router.js';
import type { RequestAction, Viewer } from './available-actions.js';
import { RowActions } from './row-actions.js';
import type { RequestFilter } from './saved-views.js';

interface TableProps {
  rows: RequestItem[];
  profiles: Profile[] | undefined;
  viewer: Viewer;
  selected: ReadonlySet<string>;
  onSelect: (ids: string[], selected: boolean) => void;
  sort: Pick<RequestFilter, 'sort' | 'order'>;
  onSort: (field: RequestFilter['sort']) => void;
  onAction: (action: RequestAction, request: RequestItem) => void;
}

function SortHeader({
  field,
  label,
  sort,
  onSort,
}: { field: RequestFilter['sort']; label: string } & Pick<TableProps, 'sort' | 'onSort'>) {
  const active = sort.sort === field;
  const ariaSort = active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" aria-sort={ariaSort} class="col-time">
      <button type="button" class="sort" onClick={() => onSort(field)}>
        {label}
        <span aria-hidden="true">{active ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
      </button>
    </th>
  );
}

export function RequestsTable({
  rows,
  profiles,
  viewer,
  selected,
  onSelect,
  sort,
  onSort,
  onAction,
}: TableProps) {
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label="Enrollment requests">
      <table class="requests">
        <thead>
          <tr>
            <th scope="col" class="col-select">
              <input
                type="checkbox"
                aria-label="Select every request on this page"
                checked={allSelected}
                onChange={(e) =>
                  onSelect(
                    rows.map((r) => r.id),
                    e.currentTarget.checked,
                  )
                }
              />
            </th>
            <th scope="col">Request</th>
            <th scope="col">Protocol</th>
            <th scope="col" class="col-optional">
              Profile
            </th>
            <th scope="col" class="col-optional">
              Requester
            </th>
            <th scope="col">Status</th>
            <SortHeader field="createdAt" label="Created" sort={sort} onSort={onSort} />
            <SortHeader field="updatedAt" label="Updated" sort={sort} onSort={onSort} />
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const title = requestTitle(r);
            const names = r.dnsNames.filter((n) => n !== title);
            return (
              <tr key={r.id} class={selected.has(r.id) ? 'selected' : undefined} data-request-id={r.id}>
                <td class="col-select">
                  <input
                    type="checkbox"
                    aria-label={`Select ${title}`}
                    checked={selected.has(r.id)}
                    onChange={(e) => onSelect([r.id], e.currentTarget.checked)}
                  />
                </td>
                <td class="col-request">
                  <Link to={requestPath(r.id)}>{title}</Link>
                  {r.kind === 'account' ? <span class="tag">ACME account</span> : null}
                  {names.length > 0 ? <div class="names">{names.join(', ')}</div> : null}
                </td>
                <td>{protocolLabel[r.protocol]}</td>
                <td class="col-optional">{profileName(profiles, r.profileId)}</td>
                <td class="col-optional">{r.requester}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td class="col-time">
                  <Time iso={r.createdAt} />
                </td>
                <td class="col-time">
                  <Time iso={r.updatedAt} />
                </td>
                <td class="col-actions">
                  <RowActions request={r} viewer={viewer} onAction={onAction} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
