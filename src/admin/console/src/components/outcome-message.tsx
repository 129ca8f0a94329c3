/** The result of the last action, announced politely (success) or assertively (failure). */
import type { Outcome } from '../enrollments/request-actions.js';

export function OutcomeMessage({ outcome, onDismiss }: { outcome: Outcome | null; onDismiss: () => void }) {
  return (
    <div aria-live="polite" class="outcome-region">
      {outcome ? (
        <div class={outcome.ok ? 'notice' : 'error'} role={outcome.ok ? 'status' : 'alert'}>
          <p>
            {outcome.text} {outcome.ok ? null : <code class="error-code">{outcome.error.code}</code>}
          </p>
          <button type="button" class="link" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}
