/** Filters of the enrollments table: status, protocol, profile, free text, waiting for me. */
import { useEffect, useState } from 'preact/hooks';
import { protocols, requestStatuses, type Profile, type Protocol, type RequestStatus } from '../api/types.js';
import { protocolLabel, statusLabel } from '../components/labels.js';
import type { RequestFilter } from './saved-views.js';

interface FilterBarProps {
  filter: RequestFilter;
  profiles: Profile[] | undefined;
  onChange: (filter: RequestFilter) => void;
}

export function FilterBar({ filter, profiles, onChange }: FilterBarProps) {
  // The text filter is applied a moment after typing stops, not on every key.
  const [text, setText] = useState(filter.text);
  useEffect(() => setText(filter.text), [filter.text]);
  useEffect(() => {
    if (text === filter.text) return;
    const timer = window.setTimeout(() => onChange({ ...filter, text }), 350);
    return () => window.clearTimeout(timer);
  }, [text]);

  const statusValue = filter.statuses.join(',');
  return (
    <fieldset class="filters">
      <legend class="visually-hidden">Filter requests</legend>
      <div class="field">
        <label for="filter-text">Search</label>
        <input
          id="filter-text"
          type="search"
          placeholder="Subject, DNS name or request id"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select
          id="filter-status"
          value={statusValue}
          onChange={(e) => {
            const v = e.currentTarget.value;
            onChange({ ...filter, statuses: v ? (v.split(',') as RequestStatus[]) : [] });
          }}
        >
          <option value="">Any status</option>
          {requestStatuses.map((s) => (
            <option key={s} value={s}>
              {statusLabel[s]}
            </option>
          ))}
          {filter.statuses.length > 1 ? (
            <option value={statusValue}>{filter.statuses.map((s) => statusLabel[s]).join(' or ')}</option>
          ) : null}
        </select>
      </div>
      <div class="field">
        <label for="filter-protocol">Protocol</label>
        <select
          id="filter-protocol"
          value={filter.protocol}
          onChange={(e) => onChange({ ...filter, protocol: e.currentTarget.value as Protocol | '' })}
        >
          <option value="">Any protocol</option>
          {protocols.map((p) => (
            <option key={p} value={p}>
              {protocolLabel[p]}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-profile">Profile</label>
        <select
          id="filter-profile"
          value={filter.profileId}
          onChange={(e) => onChange({ ...filter, profileId: e.currentTarget.value })}
        >
          <option value="">Any profile</option>
          {(profiles ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <div class="field field-check">
        <input
          id="filter-mine"
          type="checkbox"
          checked={filter.waitingForMe}
          onChange={(e) => onChange({ ...filter, waitingForMe: e.currentTarget.checked })}
        />
        <label for="filter-mine">Waiting for my decision</label>
      </div>
    </fieldset>
  );
}
