/** How a purge deletes: so many rows per statement, so many statements per run. */
export interface PurgeBatches {
  batchSize?: number;
  maxBatches?: number;
}

/**
 * Calls `deleteBatch` until a batch comes back short or `maxBatches` ran, and returns the rows
 * deleted: one run never holds the database for long, and what is left waits for the next run.
 */
export async function purgeInBatches(
  deleteBatch: (limit: number) => Promise<number>,
  { batchSize = 500, maxBatches = 20 }: PurgeBatches = {},
): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize) break;
  }
  return total;
}
