/** An API error as the user sees it: its message and its stable code, announced to screen readers. */
import type { ComponentChildren } from 'preact';
import { networkErrorCode, type ApiError } from '../api/client.js';

export function ErrorMessage({ error, children }: { error: ApiError; children?: ComponentChildren }) {
  return (
    <div class="error" role="alert">
      <p>
        <strong>
          {error.code === networkErrorCode ? 'No connection to the gateway.' : 'The gateway refused.'}
        </strong>{' '}
        {error.message} <code class="error-code">{error.code}</code>
      </p>
      {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}
