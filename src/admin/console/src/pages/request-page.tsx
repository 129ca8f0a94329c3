/** Enrollment details: everything an approver needs to decide, and the actions that apply. */
import { useEffect } from 'preact/hooks';
import { getRequest } from '../api/requests.js';
import { ErrorMessage, Loading } from '../components/error-message.js';
import { OutcomeMessage } from '../components/outcome-message.js';
import { requestTitle, StatusBadge } from '../components/labels.js';
import { ApprovalsSection } from '../details/approvals-section.js';
import { AuditSection } from '../details/audit-section.js';
import { CertificateSection } from '../details/certificate-section.js';
import { CsrSection } from '../details/csr-section.js';
import { FindingsSection } from '../details/findings-section.js';
import { NotesSection } from '../details/notes-section.js';
import { QueueStateControl } from '../details/queue-state-control.js';
import { RequestSummary } from '../details/request-summary.js';
import { actionsFor, type Viewer } from '../enrollments/available-actions.js';
import { useRequestActions } from '../enrollments/request-actions.js';
import { profileName, useProfiles } from '../hooks/use-profiles.js';
import { useResource } from '../hooks/use-resource.js';
import { Link } from '../router.js';
import { pollMs } from './enrollments-page.js';

export function RequestPage({ id, viewer }: { id: string; viewer: Viewer }) {
  const request = useResource(() => getRequest(id), [id], { pollMs });
  const profiles = useProfiles();
  const actions = useRequestActions(() => void request.reload());
  const r = request.data;

  // A link to #audit (the table's "Audit trail") lands on that section once it exists.
  const loaded = r !== undefined;
  useEffect(() => {
    if (loaded && window.location.hash === '#audit') document.getElementById('audit')?.focus();
  }, [loaded]);

  if (!r) {
    return (
      <>
        <p>
          <Link to="/">← Enrollments</Link>
        </p>
        <h1 tabIndex={-1}>Enrollment request</h1>
        {request.error ? (
          <ErrorMessage error={request.error}>
            <button type="button" onClick={() => void request.reload()}>
              Retry
            </button>
          </ErrorMessage>
        ) : (
          <Loading what="the request" />
        )}
      </>
    );
  }

  const can = new Set(actionsFor(r, viewer));
  return (
    <>
      <p>
        <Link to="/">← Enrollments</Link>
      </p>
      <div class="page-head">
        <h1 tabIndex={-1}>
          {requestTitle(r)} <StatusBadge status={r.status} />
        </h1>
        <div class="page-actions" role="group" aria-label="Request actions">
          {can.has('approve') ? (
            <button type="button" class="primary" onClick={() => actions.start('approve', r)}>
              Approve…
            </button>
          ) : null}
          {can.has('reject') ? (
            <button type="button" onClick={() => actions.start('reject', r)}>
              Reject…
            </button>
          ) : null}
          {can.has('resendApprovalEmail') ? (
            <button type="button" onClick={() => actions.start('resendApprovalEmail', r)}>
              Resend approval e-mail
            </button>
          ) : null}
          {can.has('resendEnrollment') ? (
            <button type="button" onClick={() => actions.start('resendEnrollment', r)}>
              Resend enrollment
            </button>
          ) : null}
        </div>
      </div>
      {request.error ? (
        <ErrorMessage error={request.error}>
          <p>Showing the request as it was last loaded; retrying every {pollMs / 1000} s.</p>
        </ErrorMessage>
      ) : null}
      <OutcomeMessage outcome={actions.outcome} onDismiss={actions.clearOutcome} />
      {can.has('changeStatus') ? (
        <QueueStateControl id={r.id} state={r.queueState} onChanged={() => void request.reload()} />
      ) : null}
      <div class="details-grid">
        <RequestSummary request={r} profile={profileName(profiles.data, r.profileId)} />
        <CsrSection request={r} />
        <FindingsSection findings={r.findings} />
        <ApprovalsSection request={r} />
        <CertificateSection request={r} />
        <NotesSection
          requestId={r.id}
          notes={r.notes}
          canWrite={can.has('note')}
          onAdded={() => void request.reload()}
        />
      </div>
      <AuditSection events={r.audit} />
      {actions.dialog}
    </>
  );
}
