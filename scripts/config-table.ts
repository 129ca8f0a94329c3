/** Prints the configuration table, or with --write replaces it in README.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { configTable, tableEnd, tableStart } from '../src/config/table.js';

const table = configTable();
if (process.argv.includes('--write')) {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf(tableStart);
  const end = readme.indexOf(tableEnd);
  if (start < 0 || end < 0) throw new Error('README.md has no config-table markers');
  writeFileSync('README.md', readme.slice(0, start) + table + readme.slice(end + tableEnd.length));
  console.log('README.md configuration table updated');
} else {
  console.log(table);
}
