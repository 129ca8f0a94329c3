/** Internal notes: read by every console user, written by those who may note (not auditors). */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { addNote } from '../api/requests.js';
import type { Note } from '../api/types.js';
import { ErrorMessage } from '../components/error-message.js';
import { Time } from '../components/time.js';

interface NotesProps {
  requestId: string;
  notes: Note[];
  canWrite: boolean;
  onAdded: () => void;
}

export function NotesSection({ requestId, notes, canWrite, onAdded }: NotesProps) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  return (
    <section aria-labelledby="notes-title">
      <h2 id="notes-title">Internal notes</h2>
      {notes.length === 0 ? <p>No notes yet.</p> : null}
      <ul class="notes">
        {notes.map((n) => (
          <li key={n.id}>
            <p class="note-text">{n.text}</p>
            <p class="note-meta">
              {n.author}, <Time iso={n.createdAt} />
            </p>
          </li>
        ))}
      </ul>
      {canWrite ? (
        <form
          class="note-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (!text.trim()) return;
            setBusy(true);
            setError(undefined);
            try {
              await addNote(requestId, text.trim());
              setText('');
              onAdded();
            } catch (err) {
              setError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
            } finally {
              setBusy(false);
            }
          }}
        >
          <label for="note-text">Add a note (seen by console users only)</label>
          <textarea
            id="note-text"
            rows={3}
            maxLength={4000}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          {error ? <ErrorMessage error={error} /> : null}
          <button type="submit" disabled={busy || !text.trim()}>
            {busy ? 'Adding…' : 'Add note'}
          </button>
        </form>
      ) : null}
    </section>
  );
}
