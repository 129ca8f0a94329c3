/** TLM "Change status": the queue state of a pending request (new, in progress, on hold). */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { changeQueueState } from '../api/requests.js';
import { queueStates } from '../api/types.js';
import { ErrorMessage } from '../components/error-message.js';
import { queueStateLabel } from '../components/labels.js';

export function QueueStateControl({
  id,
  state,
  onChanged,
}: {
  id: string;
  state: string;
  onChanged: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  return (
    <div class="field queue-state">
      <label for="queue-state">Queue status</label>
      <select
        id="queue-state"
        value={state}
        disabled={busy}
        onChange={async (e) => {
          const next = e.currentTarget.value as (typeof queueStates)[number];
          setBusy(true);
          setError(undefined);
          try {
            await changeQueueState(id, next);
            onChanged();
          } catch (err) {
            setError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
          } finally {
            setBusy(false);
          }
        }}
      >
        {queueStates.map((s) => (
          <option key={s} value={s}>
            {queueStateLabel[s]}
          </option>
        ))}
      </select>
      {error ? <ErrorMessage error={error} /> : null}
    </div>
  );
}
