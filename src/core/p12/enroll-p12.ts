import type { CertificateAuthority } from '../../../ca/types.js';
import { escapeDnValue } from '../../../ca/pki/names.js';
import { buildCsr } from '../csr/build.js';
import { resolveProfile, submit, type SubmitResult } from '../enrollment/submit.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { P12Encryption } from './delivery.js';
import { generateP12Key } from './generate-key.js';

export interface P12Deps {
  store: Store;
  ca: CertificateAuthority;
  clock: Clock;
  secretBox: SecretBox;
}

export interface EnrollP12Input {
  profile: string;
  assetId?: string | null;
  requester: string;
  /** RFC 4514; default CN=<first DNS name or asset name>. */
  subject?: string;
  /** Default: the asset's DNS names. */
  dnsNames?: string[];
  ipAddresses?: string[];
  dryRun?: boolean;
  /** How long the sealed key waits for its download once the certificate can be issued. */
  keyTtlMs: number;
}

export function sealContext(requestId: string): string {
  return `p12-key:${requestId}`;
}

/**
 * Server-side key generation (Smart ID "Enroll P12 profile"): makes the key per the profile's key
 * policy, submits a CSR signed with it through the one core path, and holds the private key sealed
 * (AES-256-GCM under a key derived from the master key, outside the database) until its single
 * download. A refused or dry-run request keeps nothing.
 */
export async function enrollP12(deps: P12Deps, input: EnrollP12Input): Promise<SubmitResult> {
  const profile = await resolveProfile(deps.store, input.profile);
  const asset = input.assetId ? await deps.store.assets.get(input.assetId) : null;
  if (input.assetId && !asset) throw new CoreError('not_found', `No asset "${input.assetId}"`);
  const dnsNames = input.dnsNames ?? asset?.dnsNames ?? [];
  const ipAddresses = input.ipAddresses ?? [];
  const cn = dnsNames[0]?.replace(/^\*\./, '') ?? asset?.name ?? ipAddresses[0];
  if (!input.subject && !cn) {
    throw new CoreError('invalid_input', 'Give a subject, DNS names or an asset to name the certificate', {
      details: { field: 'subject' },
    });
  }
  const subject = input.subject ?? `CN=${escapeDnValue(cn ?? '')}`;
  const keys = await generateP12Key(profile.keyPolicy.generate);
  const csr = buildCsr({ ...keys, subject, dnsNames, ipAddresses });
  const result = await submit(deps, {
    protocol: 'p12',
    profile: profile.id,
    assetId: input.assetId ?? null,
    requester: input.requester,
    csr,
    subject,
    dnsNames,
    ipAddresses,
    dryRun: input.dryRun,
  });
  if (result.outcome !== 'issued' && result.outcome !== 'pending') return result;
  const request = result.request;
  const now = deps.clock.now();
  const waitUntil = result.outcome === 'pending' && request.expiresAt ? request.expiresAt : now;
  const encryption: P12Encryption = profile.pkcs12Encryption ?? 'aes-256';
  await deps.store.p12Deliveries.create({
    requestId: request.id,
    keySealed: deps.secretBox.seal(
      keys.privateKey.export({ type: 'pkcs8', format: 'der' }),
      sealContext(request.id),
    ),
    encryption,
    keyExpiresAt: new Date(waitUntil.getTime() + input.keyTtlMs),
    downloadedAt: null,
    installedAt: null,
    installedBy: null,
    createdAt: now,
  });
  return result;
}
