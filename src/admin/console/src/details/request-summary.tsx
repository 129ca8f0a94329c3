/** Who asked for what, through which protocol and profile, and where the request stands. */
import type { RequestDetails } from '../api/types.js';
import { protocolLabel, queueStateLabel, StatusBadge } from '../components/labels.js';
import { Time } from '../components/time.js';

export function RequestSummary({ request, profile }: { request: RequestDetails; profile: string }) {
  return (
    <section aria-labelledby="summary-title">
      <h2 id="summary-title">Enrollment details</h2>
      <dl class="facts">
        <dt>Requester</dt>
        <dd>{request.requester}</dd>
        <dt>Profile</dt>
        <dd>{profile}</dd>
        <dt>Protocol</dt>
        <dd>
          {protocolLabel[request.protocol]}
          {request.kind === 'account' ? ' (account registration)' : ''}
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={request.status} />
          {request.status === 'pending'
            ? ` · ${queueStateLabel[request.queueState] ?? request.queueState}`
            : null}
        </dd>
        {request.reason ? (
          <>
            <dt>Reason</dt>
            <dd>{request.reason}</dd>
          </>
        ) : null}
        <dt>Created</dt>
        <dd>
          <Time iso={request.createdAt} />
        </dd>
        <dt>Last change</dt>
        <dd>
          <Time iso={request.updatedAt} />
        </dd>
        {request.status === 'pending' && request.expiresAt ? (
          <>
            <dt>Expires unless decided</dt>
            <dd>
              <Time iso={request.expiresAt} />
            </dd>
          </>
        ) : null}
        {request.assetId ? (
          <>
            <dt>Asset</dt>
            <dd>
              <code>{request.assetId}</code>
            </dd>
          </>
        ) : null}
        <dt>Request id</dt>
        <dd>
          <code>{request.id}</code>
        </dd>
      </dl>
    </section>
  );
}
