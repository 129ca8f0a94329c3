import type { Clock, Store } from '../ports.js';

/**
 * Finished sessions are kept a day (an admin looking into a sign-in finds its row), then deleted:
 * every sign-in adds a row, and nothing else would ever remove it. The audit log keeps the history.
 */
const keepMs = 24 * 3_600_000;

export function purgeSessions(deps: { store: Store; clock: Clock }): Promise<number> {
  return deps.store.sessions.deleteFinishedBefore(new Date(deps.clock.now().getTime() - keepMs));
}
