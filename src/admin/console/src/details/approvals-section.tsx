/** Approvals so far against the number the profile needs, with each approver's comment. */
import type { RequestDetails } from '../api/types.js';
import { Time } from '../components/time.js';

export function ApprovalsSection({ request }: { request: RequestDetails }) {
  const approvals = request.approvals.filter((a) => a.decision === 'approve').length;
  return (
    <section aria-labelledby="approvals-title">
      <h2 id="approvals-title">Approvals</h2>
      <p>
        {request.requiredApprovals === 0
          ? 'The profile needs no approval.'
          : `${approvals} of ${request.requiredApprovals} approvals.`}
      </p>
      {request.approvals.length ? (
        <ul class="plain">
          {request.approvals.map((a, i) => (
            <li key={i}>
              <strong>{a.approver}</strong> {a.decision === 'approve' ? 'approved' : 'rejected'}{' '}
              <Time iso={a.createdAt} />
              {a.comment ? <q>{a.comment}</q> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
