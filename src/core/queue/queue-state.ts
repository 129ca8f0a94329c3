/**
 * A label on a pending request for the approvers' own bookkeeping (TLM's "Change status" between
 * Pending and In Progress, Smart ID's "On hold"). It never changes the request's status machine.
 */
export type QueueState = 'new' | 'in-progress' | 'on-hold';
export const queueStates: readonly QueueState[] = ['new', 'in-progress', 'on-hold'];

export interface QueueStateRecord {
  requestId: string;
  state: QueueState;
  changedBy: string;
  updatedAt: Date;
}
