/** Client routes under /console/: the enrollments table, one request's details and the Enroll page. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const basePath = '/console';

export type Route =
  { name: 'enrollments' } | { name: 'request'; id: string } | { name: 'enroll' } | { name: 'not-found' };

export function parseRoute(pathname: string): Route {
  const path = pathname.startsWith(basePath) ? pathname.slice(basePath.length) : pathname;
  if (path === '' || path === '/' || path === '/requests' || path === '/requests/')
    return { name: 'enrollments' };
  if (path === '/enroll' || path === '/enroll/') return { name: 'enroll' };
  const m = /^\/requests\/([^/]+)\/?$/.exec(path);
  if (m?.[1]) return { name: 'request', id: decodeURIComponent(m[1]) };
  return { name: 'not-found' };
}

const routeChange = 'console:navigate';

export function navigate(path: string): void {
  window.history.pushState(null, '', `${basePath}${path}`);
  window.dispatchEvent(new Event(routeChange));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(routeChange, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(routeChange, update);
    };
  }, []);
  return route;
}

export function requestPath(id: string, hash = ''): string {
  return `/requests/${encodeURIComponent(id)}${hash}`;
}

/** An in-app link: a real href (open in new tab works), navigated without a reload. */
export function Link({
  to,
  class: className,
  current,
  children,
}: {
  to: string;
  class?: string;
  /** The link to the page shown now (aria-current="page"). */
  current?: boolean;
  children: ComponentChildren;
}) {
  return (
    <a
      class={className}
      aria-current={current ? 'page' : undefined}
      href={`${basePath}${to}`}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
