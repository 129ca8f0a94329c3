/** The signed-in frame: skip link, header with the user and sign-out, and the page. */
import type { ComponentChildren } from 'preact';
import { canEnroll } from '../enroll/can-enroll.js';
import { Link, useRoute } from '../router.js';
import { signOut, type Session } from '../session/session-store.js';

export function Shell({ session, children }: { session: Session; children: ComponentChildren }) {
  const route = useRoute();
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link to="/" class="brand">
          Enrollment Gateway
        </Link>
        <nav aria-label="Console">
          <Link to="/" current={route.name === 'enrollments'}>
            Enrollments
          </Link>
          {canEnroll(session.user.role) ? (
            <Link to="/enroll" current={route.name === 'enroll'}>
              Enroll
            </Link>
          ) : null}
        </nav>
        <div class="user">
          <span>
            {session.user.username} <span class="role">({session.user.role})</span>
          </span>
          <button type="button" onClick={() => void signOut('You are signed out.')}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
