import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import type { RequestNote } from './note.js';

/** Adds an internal note (TLM "Add internal notes"); the note's text is in the audit trail too. */
export async function addNote(
  deps: { store: Store; clock: Clock },
  input: { requestId: string; author: string; text: string },
): Promise<RequestNote> {
  const text = input.text.trim();
  if (!text || text.length > 4000) {
    throw new CoreError('invalid_input', 'A note is 1–4000 characters', { details: { field: 'text' } });
  }
  const note: RequestNote = {
    id: randomUUID(),
    requestId: input.requestId,
    author: input.author,
    text,
    createdAt: deps.clock.now(),
  };
  await deps.store.transaction(async (tx) => {
    if (!(await tx.requests.get(input.requestId)))
      throw new CoreError('not_found', 'No such enrolment request');
    await tx.notes.add(note);
    await appendAudit(tx, deps.clock, {
      actor: input.author,
      action: 'request.note-added',
      targetType: 'request',
      targetId: input.requestId,
      data: { noteId: note.id },
    });
  });
  return note;
}
