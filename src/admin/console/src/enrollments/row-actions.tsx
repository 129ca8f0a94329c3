/** The rightmost column: a disclosure menu with the actions that apply to this row. */
import { useEffect, useRef } from 'preact/hooks';
import { certificateUrl } from '../api/requests.js';
import type { RequestItem } from '../api/types.js';
import { requestTitle } from '../components/labels.js';
import { Link, requestPath } from '../router.js';
import { actionsFor, type RequestAction, type Viewer } from './available-actions.js';

const buttonLabel: Partial<Record<RequestAction, string>> = {
  approve: 'Approve…',
  reject: 'Reject…',
  resendApprovalEmail: 'Resend approval e-mail',
  resendEnrollment: 'Resend enrollment',
  note: 'Internal note…',
};

interface RowActionsProps {
  request: RequestItem;
  viewer: Viewer;
  onAction: (action: RequestAction, request: RequestItem) => void;
}

export function RowActions({ request, viewer, onAction }: RowActionsProps) {
  const menu = useRef<HTMLDetailsElement>(null);
  const close = () => {
    if (menu.current) menu.current.open = false;
  };
  // A menu closes on Escape (focus back on its button) and on a click anywhere else.
  useEffect(() => {
    const outside = (e: Event) => {
      if (menu.current?.open && !menu.current.contains(e.target as Node)) close();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, []);
  const title = requestTitle(request);
  return (
    <details
      class="row-menu"
      ref={menu}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !menu.current?.open) return;
        close();
        menu.current.querySelector('summary')?.focus();
      }}
    >
      <summary aria-label={`Actions for ${title}`}>Actions</summary>
      <ul>
        {actionsFor(request, viewer).map((action) => {
          const label = buttonLabel[action];
          if (label) {
            return (
              <li key={action}>
                <button
                  type="button"
                  onClick={() => {
                    close();
                    onAction(action, request);
                  }}
                >
                  {label}
                </button>
              </li>
            );
          }
          if (action === 'review') {
            return (
              <li key={action}>
                <Link to={requestPath(request.id)}>Review</Link>
              </li>
            );
          }
          if (action === 'audit') {
            return (
              <li key={action}>
                <Link to={requestPath(request.id, '#audit')}>Audit trail</Link>
              </li>
            );
          }
          if (action === 'download') {
            return (
              <li key={action}>
                <a href={certificateUrl(request.id, 'pem')} download>
                  Download certificate (PEM)
                </a>
              </li>
            );
          }
          return null;
        })}
      </ul>
    </details>
  );
}
