/**
 * The dependency rule of DESIGN.md, checked on every import in the tree: one core, many faces, and
 * implementations meeting only in src/main.ts and src/app.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

interface Import {
  file: string;
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

const importPattern = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const dynamicPattern = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: Import[] = [];
  const resolveTarget = (spec: string) =>
    spec.startsWith('.')
      ? relative(root, resolve(dirname(join(root, file)), spec)).replace(/\.js$/, '.ts')
      : spec;
  for (const m of text.matchAll(importPattern)) {
    found.push({ file, target: resolveTarget(m[3] ?? ''), typeOnly: Boolean(m[2]) });
  }
  for (const m of text.matchAll(dynamicPattern))
    found.push({ file, target: resolveTarget(m[1] ?? ''), typeOnly: false });
  return found;
}

const pkiLibraries = /^(node:|@peculiar\/asn1-|asn1js$)/;

function violations(dirs: string[], allowed: (i: Import) => boolean): string[] {
  return dirs
    .flatMap(sourceFiles)
    .flatMap(importsOf)
    .filter((i) => !allowed(i))
    .map((i) => `${i.file} imports ${i.typeOnly ? 'type ' : ''}${i.target}`);
}

describe('dependency rule', () => {
  it('keeps the core free of frameworks, storage, protocols and CA implementations', () => {
    const found = violations(
      ['src/core'],
      (i) =>
        i.target.startsWith('src/core/') ||
        i.target.startsWith('ca/pki/') ||
        pkiLibraries.test(i.target) ||
        (i.target === 'ca/types.ts' && i.typeOnly),
    );
    expect(found).toEqual([]);
  });

  it('lets protocols and the admin API reach only the core and the HTTP glue', () => {
    const found = violations(
      ['protocols', 'src/admin'],
      (i) =>
        !/^(src\/store|ca\/local|knex|pg|sqlite3)/.test(i.target) &&
        !i.target.startsWith('src/main') &&
        !i.target.startsWith('src/app'),
    );
    expect(found).toEqual([]);
  });

  it('lets the store see the core only through types, apart from CoreError', () => {
    const found = violations(['src/store'], (i) => {
      if (i.target.startsWith('src/store/') || /^(node:|knex$|pg$|sqlite3$)/.test(i.target)) return true;
      if (i.target === 'src/core/errors.ts') return true;
      if (
        i.target.startsWith('src/core/') ||
        i.target === 'ca/local/store.ts' ||
        i.target.startsWith('protocols/')
      ) {
        return i.typeOnly && (!i.target.startsWith('protocols/') || i.target.endsWith('/store.ts'));
      }
      return false;
    });
    expect(found).toEqual([]);
  });

  it('keeps the local CA to its interface, its own files, the shared codecs and the PKI libraries', () => {
    const found = violations(
      ['ca/local'],
      (i) => /^ca\/(types\.ts|local\/|pki\/)/.test(i.target) || pkiLibraries.test(i.target),
    );
    expect(found).toEqual([]);
  });

  it('keeps ca/pki pure: ASN.1 codecs over the PKI libraries, importing nothing of ours', () => {
    const found = violations(
      ['ca/pki'],
      (i) => i.target.startsWith('ca/pki/') || pkiLibraries.test(i.target),
    );
    expect(found).toEqual([]);
  });

  it('keeps the HTTP glue away from storage and CA implementations', () => {
    const found = violations(
      ['src/http'],
      (i) => !/^(src\/store|ca\/local|knex|pg|sqlite3|protocols)/.test(i.target),
    );
    expect(found).toEqual([]);
  });

  it('runs conformance against the built server as a black box', () => {
    const found = violations(['conformance'], (i) => !/^(src|protocols|ca)\//.test(i.target));
    expect(found).toEqual([]);
  });

  it('sees every import it is meant to judge', () => {
    // Guards the scanner itself: the composition root does import the store and the local CA.
    const targets = importsOf('src/main.ts').map((i) => i.target);
    expect(targets).toContain('src/store/knex-store.ts');
    expect(targets).toContain('ca/local/local-ca.ts');
  });
});
