/**
 * `Store.appendTransaction` on SQLite: the work's inserts are recorded, not run, and then handed to
 * node-sqlite3's `exec` as ONE script, `BEGIN IMMEDIATE; INSERT …; COMMIT;`. Each statement run from
 * JavaScript is a round trip to libuv's thread pool and back while the database's write lock is held;
 * a script is one trip, so the lock is held for the inserts alone and not across main-thread turns
 * (the convoy behind every enrolment that made a second worker on the same file sleep in SQLite's
 * busy handler).
 *
 * The one read such work makes, the audit chain's tail, cannot be in the script. The work is given
 * the tail the store last knew instead, and the script inserts the next events by `seq`, the primary
 * key: the chain's seqs are contiguous, so a tail that has moved on since makes the first insert fail
 * and the whole script roll back; the store then reads the tail again and re-runs the work.
 */
import type { Knex } from 'knex';
import type { AuditEvent } from '../core/audit/event.js';
import type { CertificateRecord } from '../core/certificates/certificate.js';
import type { EnrollmentRequest } from '../core/enrollment/request.js';
import type { OutboxEvent } from '../core/notifications/outbox.js';
import type { AppendRepositories } from '../core/ports.js';
import { inlineBindings } from './dialect/sqlite-literal.js';
import * as audit from './repositories/audit.js';
import * as certificates from './repositories/certificates.js';
import * as outbox from './repositories/outbox.js';
import * as requests from './repositories/requests.js';

export type AuditTail = Pick<AuditEvent, 'seq' | 'hash'> | null;

export class AppendScript implements AppendRepositories {
  /** Audit inserts go first, so a stale tail fails the script before anything else has run. */
  readonly #auditInserts: string[] = [];
  readonly #inserts: string[] = [];
  #tail: AuditTail;

  constructor(
    private readonly knex: Knex,
    tail: AuditTail,
  ) {
    this.#tail = tail;
  }

  readonly requests = {
    create: async (request: EnrollmentRequest): Promise<void> => {
      this.#inserts.push(this.#sql(this.knex(requests.table).insert(requests.toRow(request))));
    },
  };

  readonly certificates = {
    insert: async (certificate: CertificateRecord): Promise<void> => {
      this.#inserts.push(this.#sql(this.knex(certificates.table).insert(certificates.toRow(certificate))));
    },
  };

  readonly audit = {
    tailForAppend: async (): Promise<AuditTail> => this.#tail,
    insert: (event: AuditEvent): Promise<void> => this.audit.insertMany([event]),
    insertMany: async (events: readonly AuditEvent[]): Promise<void> => {
      if (events.length === 0) return;
      this.#auditInserts.push(this.#sql(this.knex(audit.table).insert(events.map(audit.toRow))));
      const last = events.at(-1) as AuditEvent;
      this.#tail = { seq: last.seq, hash: last.hash };
    },
  };

  readonly outbox = {
    /** Always true: a fresh random id cannot collide, and a dedupeKey (which can) needs `transaction`. */
    enqueue: async (event: OutboxEvent): Promise<boolean> => {
      if (event.dedupeKey !== null) throw new Error('A deduplicated outbox event needs Store.transaction');
      this.#inserts.push(this.#sql(this.knex(outbox.events).insert(outbox.toEventRow(event))));
      return true;
    },
  };

  /** The chain's tail once the script has committed. */
  get tail(): AuditTail {
    return this.#tail;
  }

  /** The whole transaction, or null when the work recorded nothing. */
  text(): string | null {
    const statements = [...this.#auditInserts, ...this.#inserts];
    if (statements.length === 0) return null;
    return `BEGIN IMMEDIATE;\n${statements.join(';\n')};\nCOMMIT;`;
  }

  #sql(query: Knex.QueryBuilder): string {
    const { sql, bindings } = query.toSQL().toNative();
    return inlineBindings(sql, bindings);
  }
}
