/**
 * Signs out after the server's idle timeout without user input, and at the absolute expiry. The
 * console polls the API in the background, so the server cannot tell a person from the poller:
 * activity here means keys, clicks and touches.
 */
import { useEffect } from 'preact/hooks';
import { signOut, type Session } from './session-store.js';

const activityEvents = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
const checkEveryMs = 10_000;

export function useSessionTimeouts(session: Session): void {
  useEffect(() => {
    let lastActivity = Date.now();
    const touch = () => void (lastActivity = Date.now());
    for (const e of activityEvents) window.addEventListener(e, touch, { passive: true });
    const expiresAt = Date.parse(session.expiresAt);
    const idleMs = session.idleTimeoutSeconds * 1000;
    const timer = window.setInterval(() => {
      const now = Date.now();
      if (Number.isFinite(expiresAt) && now >= expiresAt) {
        void signOut('Your session reached its maximum length. Sign in again.');
      } else if (idleMs > 0 && now - lastActivity >= idleMs) {
        const minutes = Math.round(session.idleTimeoutSeconds / 60);
        void signOut(`You were signed out after ${minutes} minutes without activity.`);
      }
    }, checkEveryMs);
    return () => {
      window.clearInterval(timer);
      for (const e of activityEvents) window.removeEventListener(e, touch);
    };
  }, [session]);
}
