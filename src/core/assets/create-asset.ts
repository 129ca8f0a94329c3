import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import { isDnsName } from '../policy/domain-policy.js';
import type { Clock, Store } from '../ports.js';
import type { Asset } from './asset.js';

export interface AssetFields {
  name: string;
  dnsNames?: string[];
  owner?: string | null;
  notifyEmail?: string | null;
  attributes?: Record<string, string>;
}

/** Lower-cased, trimmed, de-duplicated DNS names; a malformed one is refused with its name. */
export function normalizeDnsNames(names: string[]): string[] {
  const out = [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))];
  for (const name of out) {
    if (!isDnsName(name.replace(/^\*\./, ''))) {
      throw new CoreError('invalid_input', `"${name}" is not a valid DNS name`, {
        details: { field: 'dnsNames', name },
      });
    }
  }
  return out;
}

export function assetName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) {
    throw new CoreError('invalid_input', 'An asset name is 1–200 characters', { details: { field: 'name' } });
  }
  return trimmed;
}

/** Creates an active asset (Smart ID "Create asset"); audited with the actor. */
export async function createAsset(
  deps: { store: Store; clock: Clock },
  input: AssetFields & { actor: string },
): Promise<Asset> {
  const now = deps.clock.now();
  const asset: Asset = {
    id: randomUUID(),
    name: assetName(input.name),
    dnsNames: normalizeDnsNames(input.dnsNames ?? []),
    owner: input.owner?.trim() || null,
    notifyEmail: input.notifyEmail?.trim() || null,
    attributes: input.attributes ?? {},
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.transaction(async (tx) => {
    await tx.assets.create(asset);
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'asset.created',
      targetType: 'asset',
      targetId: asset.id,
      data: { name: asset.name, dnsNames: asset.dnsNames, owner: asset.owner },
    });
  });
  return asset;
}
