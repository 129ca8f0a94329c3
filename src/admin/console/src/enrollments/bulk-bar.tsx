/**
 * Bulk actions on the selected rows: approve and reject in one call (one result per request), resend
 * one call per request. Every request gets its own line in the result, success or error.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { bulkDecide, resendEnrollment } from '../api/requests.js';
import type { RequestItem } from '../api/types.js';
import { requestTitle } from '../components/labels.js';
import { TextDialog } from '../components/text-dialog.js';
import { can, type Viewer } from './available-actions.js';

export interface ItemResult {
  id: string;
  title: string;
  ok: boolean;
  text: string;
  code?: string;
}

interface BulkBarProps {
  selected: RequestItem[];
  viewer: Viewer;
  onDone: (results: ItemResult[]) => void;
  onClear: () => void;
}

export function BulkBar({ selected, viewer, onDone, onClear }: BulkBarProps) {
  const [asking, setAsking] = useState<'approve' | 'reject' | null>(null);
  const [busy, setBusy] = useState(false);
  const titles = new Map(selected.map((r) => [r.id, requestTitle(r)]));
  const decidable = viewer.role === 'admin' || viewer.role === 'approver';
  const resendable = selected.filter((r) => can('resendEnrollment', r, viewer));

  const decide = async (decision: 'approve' | 'reject', comment: string) => {
    const results = await bulkDecide(
      decision,
      selected.map((r) => r.id),
      comment,
    );
    onDone(
      results.map((r) => ({
        id: r.id,
        title: titles.get(r.id) ?? r.id,
        ok: r.ok,
        text: r.ok ? (r.outcome ?? 'done') : (r.error?.message ?? 'failed'),
        ...(r.error ? { code: r.error.code } : {}),
      })),
    );
  };

  const resend = async () => {
    setBusy(true);
    const results: ItemResult[] = [];
    for (const r of selected) {
      const title = titles.get(r.id) ?? r.id;
      try {
        const answer = await resendEnrollment(r.id);
        results.push({ id: r.id, title, ok: true, text: `submitted again (${answer.outcome})` });
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
        results.push({ id: r.id, title, ok: false, text: e.message, code: e.code });
      }
    }
    setBusy(false);
    onDone(results);
  };

  return (
    <div class="bulk-bar" role="group" aria-label="Bulk actions">
      <span>{selected.length} selected</span>
      {decidable ? (
        <>
          <button type="button" disabled={busy} onClick={() => setAsking('approve')}>
            Approve selected…
          </button>
          <button type="button" disabled={busy} onClick={() => setAsking('reject')}>
            Reject selected…
          </button>
          <button type="button" disabled={busy || resendable.length === 0} onClick={() => void resend()}>
            Resend selected
          </button>
        </>
      ) : null}
      <button type="button" class="link" onClick={onClear}>
        Clear selection
      </button>
      {asking ? (
        <TextDialog
          title={`${asking === 'approve' ? 'Approve' : 'Reject'} ${selected.length} requests`}
          label={asking === 'approve' ? 'Comment' : 'Reason'}
          hint={asking === 'reject' ? 'Every requester is told this reason.' : undefined}
          submitLabel={asking === 'approve' ? 'Approve all' : 'Reject all'}
          required={asking === 'reject'}
          onClose={() => setAsking(null)}
          onSubmit={(text) => decide(asking, text)}
        />
      ) : null}
    </div>
  );
}

export function BulkResults({ results, onDismiss }: { results: ItemResult[]; onDismiss: () => void }) {
  const failed = results.filter((r) => !r.ok).length;
  return (
    <section
      class={failed ? 'bulk-results error' : 'bulk-results notice'}
      aria-labelledby="bulk-results-title"
    >
      <h2 id="bulk-results-title">
        <span role="status">
          Bulk result: {results.length - failed} succeeded, {failed} failed
        </span>
      </h2>
      <ul>
        {results.map((r) => (
          <li key={r.id} class={r.ok ? 'ok' : 'failed'}>
            <strong>{r.title}</strong>: {r.ok ? r.text : `${r.text} `}
            {r.code ? <code class="error-code">{r.code}</code> : null}
          </li>
        ))}
      </ul>
      <button type="button" class="link" onClick={onDismiss}>
        Dismiss
      </button>
    </section>
  );
}
