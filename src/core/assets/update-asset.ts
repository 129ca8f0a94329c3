import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import type { Asset, AssetStatus } from './asset.js';
import { assetName, normalizeDnsNames, type AssetFields } from './create-asset.js';

/**
 * Edits an asset, or deactivates / reactivates it (Smart ID's asset lifecycle). An inactive asset
 * keeps its certificates but no new request may name it.
 */
export async function updateAsset(
  deps: { store: Store; clock: Clock },
  input: { assetId: string; actor: string; changes: Partial<AssetFields> & { status?: AssetStatus } },
): Promise<Asset> {
  return deps.store.transaction(async (tx) => {
    const asset = await tx.assets.get(input.assetId);
    if (!asset) throw new CoreError('not_found', 'No such asset');
    const c = input.changes;
    const updated: Asset = {
      ...asset,
      ...(c.name !== undefined ? { name: assetName(c.name) } : {}),
      ...(c.dnsNames !== undefined ? { dnsNames: normalizeDnsNames(c.dnsNames) } : {}),
      ...(c.owner !== undefined ? { owner: c.owner?.trim() || null } : {}),
      ...(c.notifyEmail !== undefined ? { notifyEmail: c.notifyEmail?.trim() || null } : {}),
      ...(c.attributes !== undefined ? { attributes: c.attributes } : {}),
      ...(c.status !== undefined ? { status: c.status } : {}),
      updatedAt: deps.clock.now(),
    };
    await tx.assets.update(updated);
    const action =
      c.status && c.status !== asset.status
        ? c.status === 'active'
          ? 'asset.reactivated'
          : 'asset.deactivated'
        : 'asset.updated';
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action,
      targetType: 'asset',
      targetId: asset.id,
      data: { fields: Object.keys(c).sort() },
    });
    return updated;
  });
}
