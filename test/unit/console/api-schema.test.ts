import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleApiTypes, consoleSchemaPath } from '../../../scripts/console-api.js';

describe('the console API types', () => {
  let fresh = '';
  beforeAll(async () => {
    fresh = await consoleApiTypes();
  });

  it('When the admin API changes, Then the committed types are regenerated with it (npm run console:api)', () => {
    const committed = readFileSync(consoleSchemaPath, 'utf8');
    // toEqual on two 5,000-line strings prints the first differing lines, which is the useful part.
    expect(committed.split('\n')).toEqual(fresh.split('\n'));
  });

  it('When generated, Then the types describe the routes the console calls', () => {
    for (const path of [
      '"/requests"',
      '"/requests/{id}"',
      '"/requests/bulk-decision"',
      '"/requests/{id}/notes"',
    ]) {
      expect(fresh).toContain(path);
    }
  });
});
