/** One entry of the append-only audit log; `hash` covers every other field and the previous hash. */
export interface AuditEvent {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type NewAuditEvent = Pick<AuditEvent, 'actor' | 'action' | 'targetType' | 'targetId'> & {
  data?: Record<string, unknown>;
};
