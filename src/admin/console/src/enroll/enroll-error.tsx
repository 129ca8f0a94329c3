/** An enrolment the API refused: its message and code, and for a policy refusal the rule and the name. */
import type { ApiError } from '../api/client.js';
import { ErrorMessage } from '../components/error-message.js';
import { refusalOf } from './refusal.js';

export function EnrollError({ error }: { error: ApiError }) {
  const refusal = refusalOf(error);
  return (
    <ErrorMessage error={error}>
      {refusal ? (
        <p class="refusal">
          Refused by rule <code>{refusal.rule}</code>
          {refusal.name ? (
            <>
              {' '}
              for the name <code>{refusal.name}</code>
            </>
          ) : null}
          .
        </p>
      ) : null}
    </ErrorMessage>
  );
}
