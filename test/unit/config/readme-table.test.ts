import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configTable } from '../../../src/config/table.js';

describe('README configuration table', () => {
  it('is the one generated from the schema (run `npm run docs:config` after changing a key)', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
    expect(readme).toContain(configTable());
  });
});
