import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicUrls } from '../../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('configuration', () => {
  it('When nothing is set, Then every key has its documented default', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      dataDir: './data',
      databaseUrl: null,
      'https.port': 8443,
      'http.port': 8080,
      'tls.names': ['localhost', '127.0.0.1'],
    });
    expect(publicUrls(config)).toEqual({ https: 'https://localhost:8443', http: 'http://localhost:8080' });
  });

  it('When a YAML file nests keys and the environment overrides one, Then the environment wins', () => {
    const path = file(
      'gateway.yaml',
      'https:\n  port: 9443\ntls:\n  names: [gw.example.com]\ndataDir: /var/lib/gw\n',
    );
    const config = loadConfig({ env: { GATEWAY_HTTPS_PORT: '10443' }, file: path });
    expect(config).toMatchObject({
      'https.port': 10443,
      'tls.names': ['gw.example.com'],
      dataDir: '/var/lib/gw',
    });
  });

  it('When JSON is given through GATEWAY_CONFIG with dotted keys, Then it is read', () => {
    const path = file('gateway.json', JSON.stringify({ 'http.port': 18080, 'ca.keyAlgorithm': 'rsa-2048' }));
    expect(loadConfig({ env: { GATEWAY_CONFIG: path } })).toMatchObject({
      'http.port': 18080,
      'ca.keyAlgorithm': 'rsa-2048',
    });
  });

  it('When DATABASE_URL is set, Then it is used unless GATEWAY_DATABASE_URL is set too', () => {
    expect(loadConfig({ env: { DATABASE_URL: 'postgres://u@h/db' } }).databaseUrl).toBe('postgres://u@h/db');
    expect(
      loadConfig({ env: { DATABASE_URL: 'postgres://u@h/a', GATEWAY_DATABASE_URL: 'postgres://u@h/b' } })
        .databaseUrl,
    ).toBe('postgres://u@h/b');
  });

  it.each([
    [{ GATEWAY_HTTPS_PORT: 'eighty' }, /https\.port = "eighty" \(from GATEWAY_HTTPS_PORT\)/],
    [{ GATEWAY_HTTP_PORT: '70000' }, /http\.port/],
    [{ GATEWAY_CA_KEY_ALGORITHM: 'dsa' }, /ca\.keyAlgorithm = "dsa"/],
    [{ GATEWAY_DATABASE_URL: 'mysql://x' }, /databaseUrl = <secret> .*postgres/],
    [{ GATEWAY_MASTER_KEY: 'c2hvcnQ=' }, /masterKey = <secret> .*32 bytes/],
    [{ GATEWAY_LOG_LEVEL: 'loud' }, /log\.level/],
    [{ GATEWAY_BODY_LIMIT: 'lots' }, /http\.bodyLimit/],
  ])('When %o is wrong, Then the error names the key and the source', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(message);
  });

  it('When a secret is invalid, Then the error does not echo it', () => {
    const secret = 'mysql://user:hunter2@db/x';
    expect(() => loadConfig({ env: { GATEWAY_DATABASE_URL: secret } })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('When the file has an unknown key, bad syntax or is missing, Then the error says so', () => {
    expect(() => loadConfig({ env: {}, file: file('typo.yaml', 'https:\n  prot: 1\n') })).toThrow(
      /Unknown configuration key "https.prot"/,
    );
    expect(() => loadConfig({ env: {}, file: file('bad.json', '{ nope') })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ env: {}, file: join(dir, 'missing.yaml') })).toThrow(/Cannot read/);
    expect(() => loadConfig({ env: {}, file: file('list.yaml', '- a\n- b\n') })).toThrow(
      /must hold an object/,
    );
  });
});
