/**
 * Runs one action on one request (from a table row or the details page): the dialogs that ask for a
 * reason, comment or note, and a live message with the outcome or the API's error.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import {
  addNote,
  approveRequest,
  rejectRequest,
  resendApprovalEmail,
  resendEnrollment,
} from '../api/requests.js';
import type { RequestItem } from '../api/types.js';
import { TextDialog } from '../components/text-dialog.js';
import { requestTitle } from '../components/labels.js';
import type { RequestAction } from './available-actions.js';

export type Outcome = { ok: true; text: string } | { ok: false; text: string; error: ApiError };

type DialogAction = 'approve' | 'reject' | 'note';

function decisionText(
  title: string,
  r: { outcome: string; approvals?: number; approvalsNeeded?: number },
): string {
  switch (r.outcome) {
    case 'issued':
      return `Approved ${title}: the certificate is issued.`;
    case 'recorded':
      return `Approval for ${title} recorded (${r.approvals ?? '?'} of ${r.approvalsNeeded ?? '?'}).`;
    case 'rejected':
      return `Rejected ${title}.`;
    default:
      return `Approved ${title}.`;
  }
}

export function useRequestActions(onChanged: () => void) {
  const [dialog, setDialog] = useState<{ action: DialogAction; request: RequestItem } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const report = async (work: () => Promise<string>) => {
    setOutcome(null);
    try {
      setOutcome({ ok: true, text: await work() });
      onChanged();
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
      setOutcome({ ok: false, text: error.message, error });
      // A dialog shows the error itself; rethrowing keeps it open for a retry.
      throw error;
    }
  };

  const start = (action: RequestAction, request: RequestItem) => {
    const title = requestTitle(request);
    switch (action) {
      case 'approve':
      case 'reject':
      case 'note':
        setDialog({ action, request });
        return;
      case 'resendEnrollment':
        void report(async () => {
          const r = await resendEnrollment(request.id);
          return `Submitted ${title} again as a new request (${r.outcome}).`;
        }).catch(() => undefined);
        return;
      case 'resendApprovalEmail':
        void report(async () => {
          await resendApprovalEmail(request.id);
          return `The approval e-mail for ${title} is queued.`;
        }).catch(() => undefined);
        return;
      default:
        return;
    }
  };

  const close = () => setDialog(null);
  let element = null;
  if (dialog) {
    const { action, request } = dialog;
    const title = requestTitle(request);
    if (action === 'approve') {
      element = (
        <TextDialog
          title={`Approve ${title}`}
          label="Comment"
          submitLabel="Approve"
          required={false}
          onClose={close}
          onSubmit={(text) => report(async () => decisionText(title, await approveRequest(request.id, text)))}
        />
      );
    } else if (action === 'reject') {
      element = (
        <TextDialog
          title={`Reject ${title}`}
          label="Reason"
          hint="The requester is told this reason."
          submitLabel="Reject"
          required
          onClose={close}
          onSubmit={(text) => report(async () => decisionText(title, await rejectRequest(request.id, text)))}
        />
      );
    } else {
      element = (
        <TextDialog
          title={`Internal note on ${title}`}
          label="Note"
          hint="Only console users see internal notes."
          submitLabel="Add note"
          required
          onClose={close}
          onSubmit={(text) =>
            report(async () => {
              await addNote(request.id, text);
              return `Note added to ${title}.`;
            })
          }
        />
      );
    }
  }
  return { start, dialog: element, outcome, clearOutcome: () => setOutcome(null) };
}
