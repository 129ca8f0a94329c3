import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const PKI_LIBRARIES = ['@peculiar/asn1-schema', '@peculiar/asn1-x509', '@peculiar/asn1-csr', 'asn1js'];

function imports(dir: string): { file: string; specifier: string; typeOnly: boolean }[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const source = readFileSync(join(root, dir, file), 'utf8');
      return [...source.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)].map((m) => ({
        file: join(dir, file),
        specifier: m[2] as string,
        typeOnly: Boolean(m[1]),
      }));
    });
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier);
}

describe('dependency rules', () => {
  it('ca/local imports only ca/types, itself, node built-ins and the PKI libraries', () => {
    const found = imports('ca/local');
    expect(found.length).toBeGreaterThan(10);
    for (const { file, specifier } of found) {
      if (isBuiltin(specifier) || PKI_LIBRARIES.includes(specifier)) continue;
      const target = relative(root, resolve(root, file, '..', specifier));
      expect(
        target === 'ca/types.js' || /^ca\/local\/[^/]+\.js$/.test(target),
        `${file} imports ${specifier}`,
      ).toBe(true);
    }
  });

  it('src/core/csr imports only node built-ins, the PKI libraries, core errors and ca/types (types)', () => {
    for (const { file, specifier, typeOnly } of imports('src/core/csr')) {
      if (isBuiltin(specifier) || PKI_LIBRARIES.includes(specifier)) continue;
      const target = relative(root, resolve(root, file, '..', specifier));
      const allowed =
        target === 'src/core/errors.js' ||
        /^src\/core\/csr\/[^/]+\.js$/.test(target) ||
        (target === 'ca/types.js' && typeOnly);
      expect(allowed, `${file} imports ${specifier}`).toBe(true);
    }
  });
});
