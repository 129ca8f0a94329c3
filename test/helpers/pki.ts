/**
 * PKI test helpers: an in-memory LocalCaStore, key pairs and CSRs, a LocalCa opened with test
 * defaults, and `openssl` run in a throwaway directory to check our output with an independent tool.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCa, type LocalCaOptions } from '../../ca/local/local-ca.js';
import type { CaRevocation, LocalCaStore, StoredCaMaterial, StoredRaMaterial } from '../../ca/local/store.js';
import type { IssuanceTemplate } from '../../ca/types.js';
import { buildCsr, toPem } from '../../src/core/csr/build.js';

/** An in-memory LocalCaStore with the store's contract; `delayMs` widens race windows. */
export class MemoryCaStore implements LocalCaStore {
  material: StoredCaMaterial | null = null;
  readonly revocations: CaRevocation[] = [];
  saveAttempts = 0;

  constructor(private readonly delayMs = 0) {}

  private async pause(): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }

  async loadMaterial(): Promise<StoredCaMaterial | null> {
    await this.pause();
    return this.material ? { ...this.material } : null;
  }

  async saveMaterial(material: StoredCaMaterial): Promise<boolean> {
    this.saveAttempts += 1;
    await this.pause();
    if (this.material) return false;
    this.material = { ...material };
    return true;
  }

  async saveNextIssuingCertificate(pem: string | null): Promise<void> {
    if (this.material) this.material = { ...this.material, nextIssuingCertPem: pem };
  }

  async activateNextIssuingCertificate(pem: string): Promise<boolean> {
    if (!this.material || this.material.nextIssuingCertPem !== pem) return false;
    this.material = { ...this.material, issuingCertPem: pem, nextIssuingCertPem: null };
    return true;
  }

  async addRevocation(revocation: CaRevocation): Promise<void> {
    if (!this.revocations.some((r) => r.serialNumber === revocation.serialNumber)) {
      this.revocations.push({ ...revocation });
    }
  }

  async listRevocations(): Promise<CaRevocation[]> {
    return this.revocations.map((r) => ({ ...r }));
  }

  ra: StoredRaMaterial | null = null;

  async loadRaMaterial(): Promise<StoredRaMaterial | null> {
    return this.ra ? { ...this.ra } : null;
  }

  async saveRaMaterial(material: StoredRaMaterial): Promise<boolean> {
    if (this.ra) return false;
    this.ra = { ...material };
    return true;
  }
}

/** Key types the tests use. */
export type TestKeyType = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'ed25519';

/** A key pair. */
export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Generates a key pair (RSA-2048 takes ~50 ms: use sparingly). */
export function makeKeyPair(type: TestKeyType = 'ec-p256'): TestKeyPair {
  switch (type) {
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ec-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
  }
}

/** Options of {@link makeCsr}. */
export interface MakeCsrOptions {
  key?: TestKeyType | TestKeyPair;
  subject?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  challengePassword?: string;
}

/** A CSR built with buildCsr, with its keys. */
export function makeCsr(options: MakeCsrOptions = {}): TestKeyPair & { der: Uint8Array; pem: string } {
  const keys = typeof options.key === 'object' ? options.key : makeKeyPair(options.key);
  const der = buildCsr({
    ...keys,
    subject: options.subject ?? 'CN=test.example',
    dnsNames: options.dnsNames,
    ipAddresses: options.ipAddresses,
    challengePassword: options.challengePassword,
  });
  return { ...keys, der, pem: toPem(der, 'CERTIFICATE REQUEST') };
}

/** Result of an openssl run. */
export interface OpensslResult {
  status: number;
  stdout: string;
  stderr: string;
  /** The directory openssl ran in (removed when the process exits). */
  dir: string;
}

const tempDirs: string[] = [];
process.once('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs /usr/bin/openssl in a fresh temporary directory holding `files`. */
export function openssl(
  args: string[],
  options: { input?: string | Uint8Array; files?: Record<string, string | Uint8Array> } = {},
): OpensslResult {
  const dir = mkdtempSync(join(tmpdir(), 'pki-test-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    writeFileSync(join(dir, name), content);
  }
  const result = spawnSync('/usr/bin/openssl', args, {
    cwd: dir,
    input: options.input,
    encoding: 'utf8',
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, dir };
}

/** Like {@link openssl} but throws with openssl's stderr unless it exits 0. */
export function opensslOk(
  args: string[],
  options: { input?: string | Uint8Array; files?: Record<string, string | Uint8Array> } = {},
): string {
  const result = openssl(args, options);
  if (result.status !== 0) {
    throw new Error(`openssl ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** `openssl x509 -text` of a PEM certificate. */
export function certificateText(pem: string): string {
  return opensslOk(['x509', '-in', 'cert.pem', '-noout', '-text'], { files: { 'cert.pem': pem } });
}

/** DER from PEM (first block). */
export function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

/** A LocalCa on a fresh in-memory store with test defaults (ECDSA P-256). */
export async function openTestCa(
  overrides: Partial<LocalCaOptions> = {},
): Promise<{ ca: LocalCa; store: LocalCaStore; options: LocalCaOptions }> {
  const options: LocalCaOptions = {
    store: new MemoryCaStore(),
    passphrase: 'test CA passphrase',
    keyAlgorithm: 'ecdsa-p256',
    commonName: 'Test Gateway',
    rootValidityDays: 3650,
    issuingValidityDays: 1825,
    crlUrl: 'http://pki.test.example/crl',
    caIssuersUrl: 'http://pki.test.example/issuing-ca.crt',
    crlValidityHours: 24,
    ...overrides,
  };
  return { ca: await LocalCa.open(options), store: options.store, options };
}

/** A TLS-client-and-server style template valid for `days` from a whole second. */
export function testTemplate(overrides: Partial<IssuanceTemplate> = {}, days = 30): IssuanceTemplate {
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    dnsNames: ['a.test.example'],
    ipAddresses: [],
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * 86_400_000),
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    ...overrides,
  };
}
