/**
 * The console is a browser bundle on top of the admin API alone: it imports its own files, Preact and
 * openapi-fetch, never server code (which would drag Node modules, secrets or the store into the bundle).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const consoleSrc = resolve(import.meta.dirname, '../../../src/admin/console/src');
const allowedPackages = new Set(['preact', 'preact/hooks', 'openapi-fetch']);
const importPattern = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

describe('the console bundle', () => {
  it('When its imports are scanned, Then it reaches only its own files, Preact and openapi-fetch', () => {
    const files = readdirSync(consoleSrc, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThan(20);
    const outside = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(importPattern)]
        .map((m) => m[1] ?? '')
        .filter((spec) =>
          spec.startsWith('.')
            ? relative(consoleSrc, resolve(dirname(file), spec)).startsWith('..')
            : !allowedPackages.has(spec),
        )
        .map((spec) => `${relative(consoleSrc, file)} imports ${spec}`),
    );
    expect(outside).toEqual([]);
  });
});
