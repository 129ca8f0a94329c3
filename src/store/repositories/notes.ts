import type { RequestNote } from '../../core/notes/note.js';
import type { ListOptions, NoteRepository, Page } from '../../core/ports.js';
import { sortedPage } from './keyset.js';
import { insertOrConflict, toDate } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface NoteRow extends Record<string, unknown> {
  id: string;
  request_id: string;
  author: string;
  text: string;
  created_at: DbTimestamp;
}

function toDomain(row: NoteRow): RequestNote {
  return {
    id: row.id,
    requestId: row.request_id,
    author: row.author,
    text: row.text,
    createdAt: toDate(row.created_at),
  };
}

const table = 'request_notes';

export class KnexNoteRepository implements NoteRepository {
  constructor(private readonly db: Db) {}

  async add(note: RequestNote): Promise<void> {
    await insertOrConflict(
      this.db,
      table,
      {
        id: note.id,
        request_id: note.requestId,
        author: note.author,
        text: note.text,
        created_at: note.createdAt,
      },
      'id',
      'A note with this id',
    );
  }

  list(requestId: string, options: ListOptions = {}): Promise<Page<RequestNote>> {
    return sortedPage<NoteRow, RequestNote>(
      this.db(table).select('*').where({ request_id: requestId }),
      { column: 'created_at', kind: 'time' },
      'id',
      options,
      toDomain,
    );
  }
}
