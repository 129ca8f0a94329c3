/** Asks for one text (a rejection reason, a comment, a note) and runs the action with it. */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { Dialog } from './dialog.js';
import { ErrorMessage } from './error-message.js';

interface TextDialogProps {
  title: string;
  label: string;
  submitLabel: string;
  required: boolean;
  /** Why the text is asked for: who will read it. */
  hint?: string;
  onSubmit: (text: string) => Promise<void>;
  onClose: () => void;
}

export function TextDialog({
  title,
  label,
  submitLabel,
  required,
  hint,
  onSubmit,
  onClose,
}: TextDialogProps) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          if (required && !text.trim()) return;
          setBusy(true);
          setError(undefined);
          try {
            await onSubmit(text.trim());
            onClose();
          } catch (err) {
            setError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="dialog-text">
          {label}
          {required ? ' (required)' : ' (optional)'}
        </label>
        {hint ? <p class="hint">{hint}</p> : null}
        <textarea
          id="dialog-text"
          rows={4}
          maxLength={2000}
          required={required}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        {error ? <ErrorMessage error={error} /> : null}
        <div class="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || (required && !text.trim())}>
            {busy ? 'Working…' : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
