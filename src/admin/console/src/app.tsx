/** The console: the session decides between sign-in and the pages; the route picks the page. */
import { useEffect, useRef } from 'preact/hooks';
import { ErrorMessage, Loading } from './components/error-message.js';
import { Shell } from './components/shell.js';
import { EnrollPage } from './pages/enroll-page.js';
import { EnrollmentsPage } from './pages/enrollments-page.js';
import { RequestPage } from './pages/request-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { Link, useRoute } from './router.js';
import { checkSession, useSession, type Session } from './session/session-store.js';
import { useSessionTimeouts } from './session/use-session-timeouts.js';

function Pages({ session }: { session: Session }) {
  const route = useRoute();
  useSessionTimeouts(session);
  // After a client-side navigation the new page's heading takes the focus (screen readers announce
  // it); on the first load the browser's own start (skip link first) is kept.
  const navigated = useRef(false);
  useEffect(() => {
    if (navigated.current) document.querySelector<HTMLElement>('main h1')?.focus();
    navigated.current = true;
  }, [route]);
  const viewer = { username: session.user.username, role: session.user.role };
  let page;
  if (route.name === 'enrollments') page = <EnrollmentsPage viewer={viewer} />;
  else if (route.name === 'enroll') page = <EnrollPage viewer={viewer} />;
  else if (route.name === 'request') page = <RequestPage key={route.id} id={route.id} viewer={viewer} />;
  else {
    page = (
      <>
        <h1 tabIndex={-1}>Page not found</h1>
        <p>
          <Link to="/">Go to Enrollments</Link>
        </p>
      </>
    );
  }
  return <Shell session={session}>{page}</Shell>;
}

export function App() {
  const state = useSession();
  useEffect(() => void checkSession(), []);
  useEffect(() => {
    document.title =
      state.status === 'signed-in' ? 'Enrollment Gateway console' : 'Sign in · Enrollment Gateway console';
  }, [state.status]);
  switch (state.status) {
    case 'checking':
      return (
        <main id="main">
          <Loading what="the console" />
        </main>
      );
    case 'unreachable':
      return (
        <main id="main">
          <h1>Enrollment Gateway console</h1>
          <ErrorMessage error={state.error}>
            <button type="button" onClick={() => void checkSession()}>
              Try again
            </button>
          </ErrorMessage>
        </main>
      );
    case 'signed-out':
      return <SignInPage notice={state.notice} />;
    case 'signed-in':
      return <Pages session={state.session} />;
  }
}
